namespace Gearbox.Contracts.Serving;

/// <summary>How a worker runs: its model, max batch, intra-op threads (compute share) and device.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.worker-settings")]
public sealed record WorkerSettings(
    [property: Id(0)] string Model,
    [property: Id(1)] int MaxBatch,
    [property: Id(2)] int Threads = 1,
    [property: Id(3)] string Device = "auto");

[GenerateSerializer, Immutable, Alias("gearbox.worker-stats")]
public sealed record WorkerStats(
    [property: Id(0)] string Worker,
    [property: Id(1)] string Model,
    [property: Id(2)] long Served,
    [property: Id(3)] long Dropped,
    [property: Id(4)] long Batches,
    [property: Id(5)] double MeanBatchSize,
    [property: Id(6)] double MeanQueueDelayMs,
    [property: Id(7)] double BusyMs,
    [property: Id(8)] int Queued,
    [property: Id(9)] WorkerSettings Settings,
    [property: Id(10)] string Silo,
    [property: Id(11)] int LargestBatch);

/// <summary>
/// One replica of one model on one device, key "{pipeline}/{stage}/{model}/{replica}". Items wait in
/// an earliest-deadline-first queue; the batcher runs them in dynamic batches off the Orleans
/// scheduler and answers hopeless ones at once with DeadlineExceeded. A call's items are answered
/// together: the call completes once every one of its items has run or been dropped.
/// </summary>
[Alias("gearbox.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task Configure(WorkerSettings settings);

    /// <param name="inputs">The items, side*side pixels each (UINT8 or FP32), in one buffer the worker copies once into its batch tensor; not copied on a call within the silo.</param>
    /// <param name="deadlineUnixMs">When the answer is due, Unix ms.</param>
    /// <param name="cancellation">Cancelled when the caller gave up: items still queued are then dropped, not run.</param>
    /// <returns>One result per item, in order.</returns>
    [Alias("Infer")] Task<ItemResult[]> Infer([Immutable] ImageBatch inputs, double deadlineUnixMs, CancellationToken cancellation = default);

    [Alias("GetStats")] Task<WorkerStats> GetStats();

    /// <summary>Finishes queued work, then lets the activation go.</summary>
    [Alias("Retire")] Task Retire();
}
