namespace Gearbox.Batching;

/// <summary>What the batcher does next: drop the first <see cref="Drop"/> queued items, then run the next <see cref="Batch"/>.</summary>
public readonly record struct BatchDecision(int Drop, int Batch);

/// <summary>
/// The one batching and drop rule, shared by the worker grain and the planner's simulator so the two
/// cannot drift apart. The queue is in deadline order (earliest first). An item whose deadline cannot
/// be met even alone, starting now, is dropped at once (SLOpt's adaptive drop). Of the rest, the batch
/// is the largest that still finishes before the earliest deadline in it (Sponge's dynamic batching);
/// since the queue is in deadline order, that is the head's deadline.
/// </summary>
public sealed class BatchPolicy
{
    private readonly Func<int, double> _latencyMs;

    public BatchPolicy(Func<int, double> latencyMs, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _latencyMs = latencyMs;
        MaxBatch = maxBatch;
    }

    public int MaxBatch { get; }

    public double LatencyMs(int batch) => _latencyMs(batch);

    /// <param name="deadlines">Deadlines of the queued items, ascending, on the same clock as <paramref name="now"/> (ms).</param>
    public BatchDecision Decide(ReadOnlySpan<double> deadlines, double now)
    {
        var drop = 0;
        var single = _latencyMs(1);
        while (drop < deadlines.Length && now + single > deadlines[drop]) drop++;
        var remaining = deadlines.Length - drop;
        if (remaining == 0) return new BatchDecision(drop, 0);

        var head = deadlines[drop];
        var batch = 1;
        for (var b = Math.Min(MaxBatch, remaining); b > 1; b--)
        {
            if (now + _latencyMs(b) <= head) { batch = b; break; }
        }
        return new BatchDecision(drop, batch);
    }
}
