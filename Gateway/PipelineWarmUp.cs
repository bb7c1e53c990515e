using System.Diagnostics;
using Gearbox.Contracts.Serving;
using Gearbox.Serving;

namespace Gearbox.Gateway;

/// <summary>
/// Activates the declared pipelines once the gateway has started, so their workers load and warm up
/// their models before the first request rather than during it (seconds, which would blow its SLO).
/// Runs in the background: the gateway answers (and /v2/health/ready says "not yet") meanwhile.
/// </summary>
public sealed class PipelineWarmUp(
    IHostApplicationLifetime lifetime, PipelineCatalog catalog, IGrainFactory grains, GatewayOptions options, ILogger<PipelineWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WarmUp || catalog.Declared.Count == 0) return;
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
}
