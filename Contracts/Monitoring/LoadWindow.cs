namespace Gearbox.Contracts.Monitoring;

/// <summary>One model's share of a window: items that arrived at it, items it passed on, its queue, batches, drops, and engine-busy ms over its replicas.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.model-window")]
public sealed record ModelWindow(
    [property: Id(0)] long Arrivals,
    [property: Id(1)] long Forwarded,
    [property: Id(2)] int Queue,
    [property: Id(3)] long Batches,
    [property: Id(4)] double MeanBatch,
    [property: Id(5)] long Dropped,
    [property: Id(6)] double BusyMs = 0);

/// <summary>
/// One closed monitoring window of a pipeline (<see cref="LoadView.WindowMs"/> long, ending at <see cref="At"/>):
/// requests that arrived at the entrance, per-model counts, queued items over all workers, requests in
/// flight, requests dropped, and p50/p99 of the grain-path latency of the requests that finished in it.
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.load-window")]
public sealed record LoadWindow(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] long Arrivals,
    [property: Id(2)] Dictionary<string, ModelWindow> PerModel,
    [property: Id(3)] int Queue,
    [property: Id(4)] int InFlight,
    [property: Id(5)] long Dropped,
    [property: Id(6)] double P50Ms,
    [property: Id(7)] double P99Ms,
    [property: Id(8)] long Completed);

/// <summary>Why the estimate sees a burst: arrivals in the last window well above the smoothed rate, or a queue that keeps growing.</summary>
public enum BurstKind
{
    None,
    Arrivals,
    Backlog,
}

/// <summary>
/// The monitor's reading of a pipeline's load after a window: the smoothed entrance rate (EWMA), the
/// last window's rate, a burst signal, and the <see cref="Demand"/> the controller provisions for
/// (the smoothed rate, or the burst window's rate when it is higher).
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.load-estimate")]
public sealed record LoadEstimate(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Rate,
    [property: Id(2)] double LastWindowRate,
    [property: Id(3)] BurstKind Burst,
    [property: Id(4)] double Demand,
    [property: Id(5)] int Queue,
    [property: Id(6)] int InFlight)
{
    public static LoadEstimate Idle(DateTimeOffset at) => new(at, 0, 0, BurstKind.None, 0, 0, 0);
}

/// <summary>
/// What GET /v1/pipelines/{name}/load returns: the kept windows (oldest first), the current estimate, and
/// the load each model is expected to see at that estimate (entrance rate × reach × fan-out of the gear in force).
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.load-view")]
public sealed record LoadView(
    [property: Id(0)] string Pipeline,
    [property: Id(1)] int WindowMs,
    [property: Id(2)] LoadEstimate Estimate,
    [property: Id(3)] Dictionary<string, double> ExpectedPerModel,
    [property: Id(4)] LoadWindow[] Windows);
