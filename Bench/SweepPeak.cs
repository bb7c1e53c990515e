namespace Gearbox.Bench;

/// <summary>
/// Reads a rate sweep: the peak goodput is the highest served rate among runs that held the SLO (a run
/// whose load generator fell behind its schedule does not count: it measured the generator), and the
/// sweep found saturation when some run did not (so the peak is bracketed, not just the highest rate tried).
/// </summary>
public static class SweepPeak
{
    public const double MinAttainment = 0.99;

    /// <summary>Issue 13: no step at or below this share of the peak may miss the SLO.</summary>
    public const double SteadyShare = 0.8;

    public static HttpFigures? Find(IEnumerable<HttpFigures> runs) =>
        runs.Where(r => HeldSlo(r) && !GeneratorBound(r)).MaxBy(r => r.ServedRate);

    /// <summary>The step answered at least <see cref="MinAttainment"/> of its requests within the SLO (a step without a figure did not).</summary>
    public static bool HeldSlo(HttpFigures run) => run.SloAttainment >= MinAttainment;

    public static bool Saturated(IEnumerable<HttpFigures> runs) =>
        runs.Any(r => r.SloAttainment < MinAttainment || FellBehind(r));

    /// <summary>The gateway served clearly less than was offered (drops alone can be noise at low load).</summary>
    public static bool FellBehind(HttpFigures run) => run.ServedRate < 0.9 * run.OfferedRate;

    /// <summary>The load generator fell behind its own schedule (send lag p99 over <see cref="GeneratorLag.P99LimitMs"/>).</summary>
    public static bool GeneratorBound(HttpFigures run) => GeneratorLag.FellBehind(run.SendLag);

    /// <summary>
    /// The steps offered at most <see cref="SteadyShare"/> of the peak goodput that still missed the SLO
    /// (attainment under <see cref="MinAttainment"/>): the "drops below 80 % of peak" a steady server has none of.
    /// Empty when there is no peak.
    /// </summary>
    public static IReadOnlyList<HttpFigures> MissesBelowPeak(IEnumerable<HttpFigures> runs, HttpFigures? peak) =>
        peak is null ? [] : runs.Where(r => r.OfferedRate <= SteadyShare * peak.ServedRate && !HeldSlo(r)).ToArray();
}
