namespace Gearbox.Contracts.Profiles;

/// <summary>Measured latency of one forward pass of <see cref="BatchSize"/> items.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.latency-point")]
public sealed record LatencyPoint(
    [property: Id(0)] int BatchSize,
    [property: Id(1)] double MedianMs,
    [property: Id(2)] double P95Ms,
    [property: Id(3)] int Repetitions);

/// <summary>Latency per batch size measured with <see cref="Threads"/> intra-op threads (a profile's second and further thread counts).</summary>
[GenerateSerializer, Immutable, Alias("gearbox.thread-latency")]
public sealed record ThreadLatency(
    [property: Id(0)] int Threads,
    [property: Id(1)] IReadOnlyList<LatencyPoint> Latency);

/// <summary>
/// A model's profile, the planner's input: latency per batch size on one device and thread count
/// (<see cref="Threads"/>, <see cref="Latency"/>; more thread counts in <see cref="LatencyAtThreads"/>),
/// and for every validation item the model's top-1 confidence and whether it was right. Items are in
/// validation-split order, so profiles of different models line up item by item. For the tile
/// detector, <see cref="FanOut"/> gives the number of tiles it found occupied per validation grid.
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.model-profile")]
public sealed record ModelProfile(
    [property: Id(0)] string Model,
    [property: Id(1)] string Device,
    [property: Id(2)] int Threads,
    [property: Id(3)] DateTimeOffset MeasuredAt,
    [property: Id(4)] string DataHash,
    [property: Id(5)] IReadOnlyList<LatencyPoint> Latency,
    [property: Id(6)] float[] Confidence,
    [property: Id(7)] bool[] Correct,
    [property: Id(8)] int[]? FanOut,
    [property: Id(9)] IReadOnlyList<ThreadLatency>? LatencyAtThreads = null)
{
    public const int FormatVersion = 1;

    public double Accuracy => Correct.Length == 0 ? 0 : Correct.Count(c => c) / (double)Correct.Length;

    /// <summary>The thread counts latency was measured at, ascending (<see cref="Threads"/> and those of <see cref="LatencyAtThreads"/>).</summary>
    public int[] ThreadCounts() => [.. new[] { Threads }.Concat(LatencyAtThreads?.Select(t => t.Threads) ?? []).Distinct().Order()];

    /// <summary>The latency points measured with <paramref name="threads"/> threads, or null when that count was not measured.</summary>
    public IReadOnlyList<LatencyPoint>? LatencyFor(int threads) =>
        threads == Threads ? Latency : LatencyAtThreads?.FirstOrDefault(t => t.Threads == threads)?.Latency;

    /// <summary>Median latency at batch size b, interpolated linearly between measured sizes.</summary>
    public double LatencyMs(int batchSize) => Interpolate(Latency, batchSize);

    /// <summary>Median latency at batch size b with <paramref name="threads"/> threads (a measured count).</summary>
    public double LatencyMs(int batchSize, int threads) =>
        Interpolate(LatencyFor(threads) ?? throw new ArgumentException($"Profile of '{Model}' has no latency at {threads} thread(s); measured: {string.Join(", ", ThreadCounts())}."), batchSize);

    private double Interpolate(IReadOnlyList<LatencyPoint> latency, int batchSize)
    {
        if (latency.Count == 0) throw new InvalidOperationException($"Profile of '{Model}' has no latency points.");
        var points = latency.OrderBy(p => p.BatchSize).ToArray();
        if (batchSize <= points[0].BatchSize) return points[0].MedianMs;
        for (var i = 1; i < points.Length; i++)
        {
            if (batchSize > points[i].BatchSize) continue;
            var (lo, hi) = (points[i - 1], points[i]);
            return lo.MedianMs + (hi.MedianMs - lo.MedianMs) * (batchSize - lo.BatchSize) / (hi.BatchSize - lo.BatchSize);
        }
        var last = points[^1];
        return last.MedianMs * batchSize / last.BatchSize;
    }
}
