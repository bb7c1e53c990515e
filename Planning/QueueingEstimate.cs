namespace Gearbox.Planning;

/// <summary>
/// The search's p99 latency estimate for one model: items arrive as a Poisson stream at a rate,
/// spread evenly over <c>replicas</c> workers that each run dynamic batches of up to <c>maxBatch</c>.
/// </summary>
/// <remarks>
/// Approximation (documented in docs/planner.md). A busy worker settles into cycles of batch size b,
/// the smallest b whose batch time still lets it keep up with headroom: λ_r·l(b) ≤ ρ·b, ρ =
/// <see cref="MaxUtilisation"/>; none up to maxBatch means the load is unstable (∞). An item's p99 is
/// then: the in-flight batch it may find (l(b), counted when the worker is busy more than 1% of the
/// time) plus serving the 99th-percentile number n of items that arrive in one cycle (Poisson with mean
/// λ_r·l(b)) in batches of maxBatch. Conservative in two ways: per-replica arrivals are taken as Poisson
/// at λ/c, while least-outstanding-work routing smooths them; and the full in-flight batch is waited for.
/// </remarks>
public static class QueueingEstimate
{
    public const double MaxUtilisation = 0.9;
    public const double Quantile = 0.99;

    /// <param name="itemsPerSecond">Arrival rate at this model, all replicas together.</param>
    public static double P99Ms(ServiceTimes service, double itemsPerSecond, int replicas, int maxBatch)
    {
        if (itemsPerSecond <= 0) return 0;
        var b = OperatingBatch(service, itemsPerSecond, replicas, maxBatch);
        if (b == 0) return double.PositiveInfinity;
        var perMs = itemsPerSecond / replicas / 1000;

        var cycle = service.Ms(b);
        var arrivalsPerCycle = perMs * cycle;
        var busy = arrivalsPerCycle / b;
        var n = Math.Max(1, PoissonQuantile(arrivalsPerCycle, Quantile));
        var fullBatches = (n - 1) / maxBatch;
        var serve = fullBatches * service.Ms(maxBatch) + service.Ms(n - fullBatches * maxBatch);
        var wait = busy > 1 - Quantile ? cycle : 0;
        return wait + serve;
    }

    /// <summary>
    /// The batch size a busy replica settles into: the smallest b ≤ <paramref name="maxBatch"/> with
    /// λ_r·l(b) ≤ ρ·b; 0 when none keeps up (unstable).
    /// </summary>
    public static int OperatingBatch(ServiceTimes service, double itemsPerSecond, int replicas, int maxBatch)
    {
        if (replicas < 1 || maxBatch < 1) return 0;
        var perMs = itemsPerSecond / replicas / 1000;
        for (var size = 1; size <= maxBatch; size++)
        {
            if (perMs * service.Ms(size) <= MaxUtilisation * size) return size;
        }
        return 0;
    }

    /// <summary>
    /// Cores the replicas of one model keep busy: items/s × (threads × l(b) + the engine thread's own CPU
    /// per batch outside the forward pass) / b, at the operating batch b (a replica's threads are all
    /// busy while its batch runs). ∞ when the load is unstable.
    /// </summary>
    public static double BusyCores(ServiceTimes service, double itemsPerSecond, int replicas, int threads, int maxBatch, double engineMsPerBatch = 0)
    {
        if (itemsPerSecond <= 0) return 0;
        var b = OperatingBatch(service, itemsPerSecond, replicas, maxBatch);
        return b == 0 ? double.PositiveInfinity : itemsPerSecond / 1000 * (threads * service.Ms(b) + engineMsPerBatch) / b;
    }

    /// <summary>Smallest n with P(Poisson(mean) ≤ n) ≥ q (normal approximation for large means).</summary>
    public static int PoissonQuantile(double mean, double q)
    {
        if (mean <= 0) return 0;
        if (mean > 200) return (int)Math.Ceiling(mean + 2.3263478740 * Math.Sqrt(mean) + 0.5);
        var term = Math.Exp(-mean);
        var cdf = term;
        var n = 0;
        while (cdf < q && n < 10_000)
        {
            n++;
            term *= mean / n;
            cdf += term;
        }
        return n;
    }
}
