namespace Gearbox.Planning.Simulation;

/// <summary>One request entering the pipeline at <see cref="AtMs"/> with its own latency budget (its deadline is AtMs + BudgetMs).</summary>
public readonly record struct Arrival(double AtMs, double BudgetMs);

/// <summary>Arrival traces for the simulator: Poisson, bursty (two-state Markov-modulated Poisson), and a load curve.</summary>
public static class Arrivals
{
    public static List<Arrival> Poisson(double perSecond, double durationMs, double budgetMs, Random random) =>
        FromRateCurve([perSecond], durationMs, budgetMs, random);

    /// <summary>
    /// Bursts: the rate alternates between <paramref name="burstFactor"/> × mean (for <paramref name="burstShare"/>
    /// of the time, in spells of <paramref name="meanBurstMs"/> on average) and a lower rate, so the long-run mean is <paramref name="perSecond"/>.
    /// </summary>
    public static List<Arrival> Bursty(double perSecond, double durationMs, double budgetMs, Random random,
        double burstFactor = 3, double burstShare = 0.2, double meanBurstMs = 200)
    {
        if (burstFactor * burstShare >= 1) throw new ArgumentException("burstFactor × burstShare must be below 1 so the quiet rate stays positive.");
        var high = perSecond * burstFactor / 1000;
        var low = perSecond * (1 - burstFactor * burstShare) / (1 - burstShare) / 1000;
        var meanQuietMs = meanBurstMs * (1 - burstShare) / burstShare;
        var list = new List<Arrival>();
        var t = 0.0;
        var bursting = false;
        var stateEnds = Exponential(random, meanQuietMs);
        while (t < durationMs)
        {
            var next = t + Exponential(random, 1 / (bursting ? high : low));
            if (next >= stateEnds)
            {
                // Memoryless: restarting the clock at the switch is exact.
                t = stateEnds;
                bursting = !bursting;
                stateEnds = t + Exponential(random, bursting ? meanBurstMs : meanQuietMs);
                continue;
            }
            t = next;
            if (t < durationMs) list.Add(new Arrival(t, budgetMs));
        }
        return list;
    }

    /// <summary>Poisson arrivals whose rate is constant within each window of <paramref name="windowMs"/> (rates in requests/s).</summary>
    public static List<Arrival> FromRateCurve(IReadOnlyList<double> perSecond, double windowMs, double budgetMs, Random random)
    {
        var list = new List<Arrival>();
        for (var w = 0; w < perSecond.Count; w++)
        {
            var rate = perSecond[w] / 1000;
            if (rate <= 0) continue;
            var (start, end) = (w * windowMs, (w + 1) * windowMs);
            for (var t = start + Exponential(random, 1 / rate); t < end; t += Exponential(random, 1 / rate))
                list.Add(new Arrival(t, budgetMs));
        }
        return list;
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());
}
