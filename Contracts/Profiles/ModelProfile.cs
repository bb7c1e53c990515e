namespace Gearbox.Contracts.Profiles;

/// <summary>Measured latency of one forward pass of <see cref="BatchSize"/> items.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.latency-point")]
public sealed record LatencyPoint(
    [property: Id(0)] int BatchSize,
    [property: Id(1)] double MedianMs,
    [property: Id(2)] double P95Ms,
    [property: Id(3)] int Repetitions);

/// <summary>
/// A model's profile, the planner's input: latency per batch size on one device and thread count,
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
    [property: Id(8)] int[]? FanOut)
{
    public const int FormatVersion = 1;

    public double Accuracy => Correct.Length == 0 ? 0 : Correct.Count(c => c) / (double)Correct.Length;

    /// <summary>Median latency at batch size b, interpolated linearly between measured sizes.</summary>
    public double LatencyMs(int batchSize)
    {
        if (Latency.Count == 0) throw new InvalidOperationException($"Profile of '{Model}' has no latency points.");
        var points = Latency.OrderBy(p => p.BatchSize).ToArray();
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
