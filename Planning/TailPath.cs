namespace Gearbox.Planning;

/// <summary>
/// Which units' latencies make up the end-to-end p99. A request's path ends at the deepest unit any of
/// its items reaches; deeper paths are longer. So the p99 is the latency of the deepest path that more
/// than 1% of requests take: the sum of the per-unit p99s up to the deepest unit with a request tail
/// fraction above 1%. Units past it carry under 1% of requests; they must only be stable.
/// </summary>
public static class TailPath
{
    public const double TailFraction = 1 - QueueingEstimate.Quantile;

    /// <summary>Index of the deepest unit on the p99 path (at least 0).</summary>
    public static int DeepestCritical(double[] requestTail)
    {
        var deepest = 0;
        for (var u = 0; u < requestTail.Length; u++) if (requestTail[u] > TailFraction) deepest = u;
        return deepest;
    }
}
