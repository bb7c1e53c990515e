using Gearbox.Contracts.Monitoring;
using Gearbox.Planning.Control;
using Orleans.Concurrency;

namespace Gearbox.Monitoring;

/// <summary>
/// The load monitor of one pipeline: collects the pushed reports into windows on its own timer, keeps
/// two minutes of them and the current estimate. A thin shell around <see cref="LoadWindows"/> and
/// <see cref="LoadEstimator"/>.
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class MonitorGrain(GearControlOptions options, TimeProvider clock) : Grain, IMonitorGrain
{
    private readonly LoadWindows _windows = new((int)Math.Ceiling(options.KeepSeconds * 1000 / options.WindowMs), options.WindowMs);
    private readonly LoadEstimator _estimator = new(options);
    private Dictionary<string, double> _itemsPerRequest = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(options.WindowMs);
        this.RegisterGrainTimer(CloseWindow, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task ReportEntrance(EntranceReport report)
    {
        _windows.Add(report, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task ReportStage(StageReport report)
    {
        _windows.Add(report);
        return Task.CompletedTask;
    }

    public Task ReportWorker(WorkerReport report)
    {
        _windows.Add(report, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task SetItemsPerRequest(Dictionary<string, double> itemsPerRequest)
    {
        _itemsPerRequest = new Dictionary<string, double>(itemsPerRequest, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public Task<LoadEstimate> GetEstimate() => Task.FromResult(_estimator.Current);

    public Task<LoadView> GetLoad(double seconds)
    {
        var newest = seconds > 0 ? (int)Math.Ceiling(seconds * 1000 / options.WindowMs) : 0;
        var estimate = _estimator.Current;
        var expected = _itemsPerRequest.ToDictionary(m => m.Key, m => m.Value * estimate.Demand, StringComparer.Ordinal);
        return Task.FromResult(new LoadView(this.GetPrimaryKeyString(), options.WindowMs, estimate, expected, _windows.Recent(newest)));
    }

    private Task CloseWindow()
    {
        var (window, sample) = _windows.Close(clock.GetUtcNow());
        _estimator.Observe(window.At, sample, window.Queue, window.InFlight);
        return Task.CompletedTask;
    }
}
