namespace Gearbox.Bench;

/// <summary>
/// The requests sent during a trace's bursts (by the second they were sent in): how many, the share
/// answered 200 within the SLO, and the p99 of their 200s. A burst is where an autoscaler lags, so
/// this is where the "p99 during bursts" comparison is read; a trace without bursts has none.
/// </summary>
public sealed record BurstFigures(int Sent, double Attainment, double P99Ms)
{
    public static BurstFigures? From(IReadOnlyList<RequestOutcome> outcomes, IReadOnlyList<int> secondOf, IReadOnlyList<TraceBurst> bursts, double sloMs)
    {
        if (bursts.Count == 0) return null;
        var inBurst = new List<RequestOutcome>();
        for (var k = 0; k < outcomes.Count && k < secondOf.Count; k++)
            if (bursts.Any(b => secondOf[k] >= b.Start && secondOf[k] < b.Start + b.Length)) inBurst.Add(outcomes[k]);
        if (inBurst.Count == 0) return null;
        var ok = inBurst.Where(o => o.IsOk).Select(o => o.LatencyMs).ToList();
        var good = ok.Count(l => l <= sloMs);
        return new BurstFigures(inBurst.Count, (double)good / inBurst.Count, new LatencyStats(ok).P99);
    }
}
