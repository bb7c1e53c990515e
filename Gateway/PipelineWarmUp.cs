using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Planning.Control;
using Gearbox.Serving;

namespace Gearbox.Gateway;

/// <summary>
/// Activates the declared pipelines once the gateway has started, so their workers load and warm up
/// their models before the first request rather than during it (seconds, which would blow its SLO).
/// Then it sends a few seconds of synthetic traffic through itself (<see cref="TrafficWarmUp"/>).
/// Runs in the background: the gateway answers (and /v2/health/ready says "not yet") meanwhile.
/// In automatic mode (Gearbox:Control:Mode, the default) it then starts each pipeline's gear planner,
/// which makes the default plan if there is none and switches gears by load from then on.
/// </summary>
public sealed class PipelineWarmUp(
    IHostApplicationLifetime lifetime, PipelineCatalog catalog, IGrainFactory grains, GatewayOptions options, GearControlOptions control,
    IServer server, WarmUpGate gate, ILogger<PipelineWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!(options.WarmUp || control.IsAuto) || catalog.Declared.Count == 0)
        {
            gate.Open();
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        try
        {
            await Task.WhenAll(catalog.Declared.Select(p => WarmModelsAsync(p.Name, stoppingToken)));
            if (options.WarmUp && options.WarmUpSeconds > 0) await WarmTrafficAsync(stoppingToken);
        }
        finally
        {
            gate.Open();
        }
        if (control.IsAuto) await Task.WhenAll(catalog.Declared.Select(p => StartPlannerAsync(p.Name, stoppingToken)));
    }

    private async Task WarmTrafficAsync(CancellationToken stoppingToken)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
        if (address is null) return;
        var local = new UriBuilder(address) { Host = "127.0.0.1" }.Uri; // the gateway may listen on every address; talk to it on loopback
        var clock = Stopwatch.StartNew();
        try
        {
            var (sent, ok) = await TrafficWarmUp.RunAsync(local, catalog.Declared, options.WarmUpSeconds, options.WarmUpRate, stoppingToken);
            logger.LogInformation("Warm-up traffic: {Sent} synthetic requests through {Address} in {Seconds:F1} s, {Ok} answered 200", sent, local, clock.Elapsed.TotalSeconds, ok);
            // Let the warm-up leave the monitors' load estimates before any controller acts on them.
            await Task.Delay(TimeSpan.FromSeconds(4 * control.SmoothingSeconds), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WarmModelsAsync(string pipeline, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (!options.WarmUp) return;
            await grains.GetGrain<IPipelineGrain>(pipeline).GetSnapshot().WaitAsync(stoppingToken);
            logger.LogInformation("Pipeline {Pipeline} is ready: its workers loaded and warmed up their models in {Seconds:F1} s", pipeline, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Not fatal: the pipeline activates on its first request instead, and /v2/health/ready reports it.
            logger.LogWarning(e, "Pipeline {Pipeline} could not be warmed up; it will load on its first request", pipeline);
        }
    }

    private async Task StartPlannerAsync(string pipeline, CancellationToken stoppingToken)
    {
        GearStatus status;
        try
        {
            status = await grains.GetGrain<IGearPlannerGrain>(pipeline).Start().WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (ArgumentException e)
        {
            // The planner's reason (floor too high, budget too small) says what to change; serving goes on.
            logger.LogWarning("Pipeline {Pipeline} has no default plan and keeps its initial configuration: {Reason} " +
                "Make one with POST /v1/pipelines/{Pipeline}/plan, or set Gearbox:Control:Devices.", pipeline, e.Message, pipeline);
            return;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Pipeline {Pipeline}: the gear planner could not start; it keeps its initial configuration", pipeline);
            return;
        }
        var plan = await grains.GetGrain<IGearPlannerGrain>(pipeline).GetPlan().WaitAsync(stoppingToken);
        var mode = status.Mode == GearMode.Pinned ? "pinned (POST /gear {\"auto\":true} resumes)" : "automatic";
        if (plan is null)
        {
            logger.LogInformation("Pipeline {Pipeline}: control policy '{Policy}', {Mode}, {Devices} device(s) held", pipeline, status.Policy, mode, status.Devices);
            return;
        }
        logger.LogInformation(
            "Pipeline {Pipeline}: control policy '{Policy}', {Mode}, on plan v{Version} (p99 SLO {Slo} ms, accuracy ≥ {Floor:0.###}, {Devices} device(s)): {Gears} gears up to {Ceiling:0.#} req/s",
            pipeline, status.Policy, mode, plan.Version, plan.Request.SloMs, plan.Request.MinAccuracy, plan.Request.Devices, plan.Gears.Length, plan.Ceiling);
    }
}
