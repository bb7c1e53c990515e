namespace Gearbox.Bench;

/// <summary>
/// What the server's runtime did during one sweep step: counter differences between the readings just
/// before and just after the step, per request sent in it, and the thread-pool gauges as sampled during
/// the step. Null where the server does not export the figure (an older gateway) or no reading came.
/// </summary>
/// <param name="WorkItemsPerRequest">Thread-pool work items completed during the step per request: the hops a request costs (plus the process's background work).</param>
/// <param name="Polls">Readings taken during the step (the gauges' sample count).</param>
public sealed record RuntimeFigures(
    double? AllocatedKbPerRequest,
    double? Gen0Collections,
    double? Gen1Collections,
    double? Gen2Collections,
    double? GcPauseMs,
    double? QueueMax,
    double? QueueMean,
    double? ThreadsMax,
    double? LockContentions,
    double? CpuMsPerRequest,
    double? WorkItemsPerRequest,
    int Polls)
{
    public static readonly RuntimeFigures None = new(null, null, null, null, null, null, null, null, null, null, null, 0);

    public bool Any => AllocatedKbPerRequest is not null || QueueMax is not null || CpuMsPerRequest is not null;

    /// <param name="during">Readings polled during the step (before and after are counted in too, for the gauges).</param>
    /// <param name="requests">Requests sent in the step (every one reached the server, answered or not).</param>
    public static RuntimeFigures Between(RuntimeReading? before, RuntimeReading? after, IReadOnlyList<RuntimeReading> during, int requests)
    {
        double? Delta(Func<RuntimeReading, double?> figure) =>
            before is not null && after is not null && figure(before) is { } b && figure(after) is { } a ? a - b : null;
        double? PerRequest(double? total, double scale) => total is { } t && requests > 0 ? t * scale / requests : null;

        var gauges = during.Concat(new[] { before, after }.OfType<RuntimeReading>()).ToArray();
        var queue = gauges.Select(r => r.ThreadPoolQueueLength).OfType<double>().ToArray();
        var threads = gauges.Select(r => r.ThreadPoolThreads).OfType<double>().ToArray();
        return new RuntimeFigures(
            PerRequest(Delta(r => r.AllocatedBytes), 1 / 1024.0),
            Delta(r => r.Gen0Collections),
            Delta(r => r.Gen1Collections),
            Delta(r => r.Gen2Collections),
            Delta(r => r.GcPauseSeconds) * 1000,
            queue.Length == 0 ? null : queue.Max(),
            queue.Length == 0 ? null : queue.Average(),
            threads.Length == 0 ? null : threads.Max(),
            Delta(r => r.LockContentions),
            PerRequest(Delta(r => r.CpuSeconds), 1000),
            PerRequest(Delta(r => r.ThreadPoolWorkItems), 1),
            during.Count);
    }
}
