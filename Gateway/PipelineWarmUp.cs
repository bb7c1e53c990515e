using System.Diagnostics;
using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Planning.Control;
using Gearbox.Serving;

namespace Gearbox.Gateway;

/// <summary>
/// Activates the declared pipelines once the gateway has started, so their workers load and warm up
/// their models before the first request rather than during it (seconds, which would blow its SLO).
/// Runs in the background: the gateway answers (and /v2/health/ready says "not yet") meanwhile.
/// In automatic mode (Gearbox:Control:Mode, the default) it then starts each pipeline's gear planner,
/// which makes the default plan if there is none and switches gears by load from then on.
/// </summary>
public sealed class PipelineWarmUp(
    IHostApplicationLifetime lifetime, PipelineCatalog catalog, IGrainFactory grains, GatewayOptions options, GearControlOptions control,
    ILogger<PipelineWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!(options.WarmUp || control.IsAuto) || catalog.Declared.Count == 0) return;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        await Task.WhenAll(catalog.Declared.Select(p => WarmAsync(p.Name, stoppingToken)));
    }

    private async Task WarmAsync(string pipeline, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (options.WarmUp)
            {
                await grains.GetGrain<IPipelineGrain>(pipeline).GetSnapshot().WaitAsync(stoppingToken);
                logger.LogInformation("Pipeline {Pipeline} is ready: its workers loaded and warmed up their models in {Seconds:F1} s", pipeline, clock.Elapsed.TotalSeconds);
            }
            if (control.IsAuto) await StartPlannerAsync(pipeline, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Not fatal: the pipeline activates on its first request instead, and /v2/health/ready reports it.
            logger.LogWarning(e, "Pipeline {Pipeline} could not be warmed up or planned; it will load on its first request", pipeline);
        }
    }

    private async Task StartPlannerAsync(string pipeline, CancellationToken stoppingToken)
    {
        GearStatus status;
        try
        {
            status = await grains.GetGrain<IGearPlannerGrain>(pipeline).Start().WaitAsync(stoppingToken);
        }
        catch (ArgumentException e)
        {
            // The planner's reason (floor too high, budget too small) says what to change; serving goes on.
            logger.LogWarning("Pipeline {Pipeline} has no default plan and keeps its initial configuration: {Reason} " +
                "Make one with POST /v1/pipelines/{Pipeline}/plan, or set Gearbox:Control:Devices.", pipeline, e.Message, pipeline);
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
