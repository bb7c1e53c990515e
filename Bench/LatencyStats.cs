namespace Gearbox.Bench;

/// <summary>Percentiles of a set of latencies (nearest-rank on the sorted values).</summary>
public sealed class LatencyStats
{
    private readonly double[] _sorted;

    public LatencyStats(IEnumerable<double> latenciesMs)
    {
        _sorted = [.. latenciesMs];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;
    public double Mean => Count == 0 ? double.NaN : _sorted.Average();
    public double P50 => Percentile(50);
    public double P95 => Percentile(95);
    public double P99 => Percentile(99);
    public double Max => Count == 0 ? double.NaN : _sorted[^1];

    public double Percentile(double p)
    {
        if (Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * Count);
        return _sorted[Math.Clamp(rank - 1, 0, Count - 1)];
    }
}
