namespace Gearbox.Bench;

/// <summary>
/// The figures of the requests sent in one window of an open-loop run (one gear's run, one phase):
/// goodput at the SLO is the number answered 200 within the SLO per second of the window; attainment
/// is that number over all requests sent (drops, errors and requests with no answer count as misses).
/// </summary>
/// <param name="NoAnswer">Requests that got no HTTP response at all (connection refused or reset, timeout).</param>
/// <param name="Errors">Responses other than 200 and 504 (and 200s without a readable label).</param>
/// <param name="SendLag">How late each request left against its schedule.</param>
public sealed record WindowFigures(
    int Sent,
    int Ok,
    int Good,
    int Drops,
    int Errors,
    int NoAnswer,
    double WindowSeconds,
    LatencyStats OkLatency,
    AccuracyScore Accuracy,
    LatencyStats SendLag)
{
    public double OfferedRate => WindowSeconds > 0 ? Sent / WindowSeconds : double.NaN;
    public double Goodput => WindowSeconds > 0 ? Good / WindowSeconds : double.NaN;
    public double Attainment => Sent == 0 ? double.NaN : (double)Good / Sent;
    public bool GeneratorBehind => GeneratorLag.FellBehind(SendLag);

    public static WindowFigures From(IEnumerable<RequestOutcome> outcomes, IReadOnlyList<int[]> truths, double windowSeconds, double sloMs)
    {
        var all = outcomes as IReadOnlyCollection<RequestOutcome> ?? outcomes.ToArray();
        var accuracy = new AccuracyScore();
        var ok = new List<double>();
        int good = 0, drops = 0, errors = 0, noAnswer = 0;
        foreach (var o in all)
        {
            if (o.IsOk)
            {
                ok.Add(o.LatencyMs);
                if (o.LatencyMs <= sloMs) good++;
                accuracy.Add(o.Labels!, truths[o.Image]);
            }
            else if (o.IsDrop) drops++;
            else if (o.Status == 0) noAnswer++;
            else errors++;
        }
        return new WindowFigures(all.Count, ok.Count, good, drops, errors, noAnswer, windowSeconds, new LatencyStats(ok), accuracy,
            new LatencyStats(all.Select(o => o.LagMs)));
    }
}

/// <summary>
/// When the load generator fell behind its own schedule: then what was measured is partly the
/// generator (the server saw less, or burstier, load than offered), not only the server.
/// </summary>
public static class GeneratorLag
{
    /// <summary>A p99 send lag above this means sends were bunched or late enough to change the offered load.</summary>
    public const double P99LimitMs = 20;

    public static bool FellBehind(LatencyStats sendLag) => sendLag.Count > 0 && sendLag.P99 > P99LimitMs;
}
