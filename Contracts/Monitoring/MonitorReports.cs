namespace Gearbox.Contracts.Monitoring;

/// <summary>
/// What one entrance of a pipeline (<see cref="Source"/>: an activation) counted over the last
/// <see cref="IntervalMs"/>: requests that arrived, finished and were dropped, the requests in flight
/// now, and the grain-path latency (ms) of each one that finished. The interval lets the monitor turn
/// counts into rates however the reporters' timers drift against its own windows.
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.entrance-report")]
public sealed record EntranceReport(
    [property: Id(0)] long Arrivals,
    [property: Id(1)] long Completed,
    [property: Id(2)] long Dropped,
    [property: Id(3)] int InFlight,
    [property: Id(4)] float[] LatenciesMs,
    [property: Id(5)] string Source = "",
    [property: Id(6)] double IntervalMs = 0);

/// <summary>What a cascade stage counted since its last report, per model: items sent to it and items it passed on.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.stage-report")]
public sealed record StageReport(
    [property: Id(0)] string Stage,
    [property: Id(1)] Dictionary<string, long> Arrivals,
    [property: Id(2)] Dictionary<string, long> Forwarded);

/// <summary>What one worker counted since its last report (batches, items, drops, ms its engine was busy), and its queue length now.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.worker-report")]
public sealed record WorkerReport(
    [property: Id(0)] string Worker,
    [property: Id(1)] string Model,
    [property: Id(2)] int Queue,
    [property: Id(3)] long Batches,
    [property: Id(4)] long BatchItems,
    [property: Id(5)] long Dropped,
    [property: Id(6)] double BusyMs = 0);
