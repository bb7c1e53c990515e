using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Serving;
using Gearbox.Monitoring;
using Gearbox.Planning.Control;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Gearbox.Serving;

/// <summary>
/// A pipeline's request path on the caller's silo (stateless worker, key: the pipeline's name). Runs
/// requests on its copy of the pipeline's route, straight on the workers. Once per monitoring window at
/// most, a request checks the route's version with the pipeline (one small call; requests arriving
/// meanwhile wait for it too), so every request that arrives a window after a configuration change runs
/// on the new route — the pipeline's <see cref="IPipelineGrain.Configure"/> returns only a window after
/// the change for that reason. A stage or worker found without its configuration makes it ask the
/// pipeline to repair and try once more on the route that comes back. Counts like an entrance and
/// pushes its counts to the monitor and the pipeline every window, and once more when it is collected.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class PipelineRouterGrain(IGrainFactory grains, GearControlOptions control, ILogger<PipelineRouterGrain> log) : Grain, IPipelineRouterGrain
{
    private RouteCache _cache = null!;
    private PipelineRunner _runner = null!;
    private EntranceCounter _counter = null!;
    private IPipelineGrain _pipeline = null!;
    private IMonitorGrain _monitor = null!;
    private Task? _refresh;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        _pipeline = GrainFactory.GetGrain<IPipelineGrain>(name);
        _monitor = GrainFactory.GetGrain<IMonitorGrain>(name);
        _cache = new RouteCache(control.WindowMs);
        _runner = new PipelineRunner(new GrainReferences<IWorkerGrain>(grains), log);
        // Several activations of a stateless worker share one grain id: each reports as its own entrance.
        _counter = new EntranceCounter($"router:{name}@{RuntimeIdentity}#{Guid.NewGuid():N}", UnixClock.NowMs);
        var period = TimeSpan.FromMilliseconds(control.WindowMs);
        this.RegisterGrainTimer(Report, new GrainTimerCreationOptions(period, period));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Report();

    public async Task<PipelineItem[]> Infer(ImageBatch inputs, double deadlineUnixMs, CancellationToken cancellation = default)
    {
        var started = UnixClock.NowMs;
        _counter.Arrived();
        PipelineItem[] items = [];
        try
        {
            var route = await CurrentRoute();
            try
            {
                items = await _runner.Run(route, inputs, deadlineUnixMs, cancellation);
            }
            catch (Exception e) when (e is StageNotConfiguredException or WorkerNotConfiguredException)
            {
                log.LogInformation("Route {Version} of {Pipeline} met a worker without settings ({Reason}); asking the pipeline to repair",
                    route.Version, route.Definition.Name, e.Message);
                route = _cache.Offer(await _pipeline.Repair(route.Version));
                items = await _runner.Run(route, inputs, deadlineUnixMs, cancellation);
            }
        }
        finally
        {
            _counter.Finished(UnixClock.NowMs - started, dropped: items.Length == 0 || items.Any(i => i.Status != ItemStatus.Ok));
        }
        return items;
    }

    public async Task<long> GetRouteVersion() => (await CurrentRoute()).Version;

    /// <summary>The route to run on now: checked with the pipeline when the last check is a window old.</summary>
    private async ValueTask<PipelineRoute> CurrentRoute()
    {
        var now = UnixClock.NowMs;
        if (_cache.NeedsCheck(now))
        {
            _cache.Checking(now);
            if (_refresh is null || _refresh.IsCompleted) _refresh = Refresh();
        }
        if (_refresh is { IsCompleted: false } pending) await pending;
        return _cache.Current ?? throw new InvalidOperationException("The pipeline gave no route.");
    }

    private async Task Refresh()
    {
        try
        {
            if (_cache.Current is null || _cache.IsStale(await _pipeline.GetRouteVersion()))
            {
                var route = await _pipeline.GetRoute();
                if (_cache.Offer(route) == route)
                    log.LogDebug("Router of {Pipeline} runs route version {Version}", route.Definition.Name, route.Version);
            }
        }
        catch (Exception e) when (_cache.Current is not null)
        {
            log.LogWarning(e, "Could not check the route of {Pipeline}; keeping version {Version}", this.GetPrimaryKeyString(), _cache.Current.Version);
        }
    }

    private Task Report()
    {
        var monitor = ServingReports.Send(_monitor, _counter, _runner.StageCounters);
        return _runner.Tally.Take() is { } counts ? Task.WhenAll(monitor, _pipeline.AddCounts(counts)) : monitor;
    }
}
