namespace Gearbox.Bench;

/// <summary>
/// Reads a rate sweep: the peak goodput is the highest served rate among runs that held the SLO, and the
/// sweep found saturation when some run did not (so the peak is bracketed, not just the highest rate tried).
/// </summary>
public static class SweepPeak
{
    public const double MinAttainment = 0.99;

    public static HttpFigures? Find(IEnumerable<HttpFigures> runs) =>
        runs.Where(r => r.SloAttainment >= MinAttainment).MaxBy(r => r.ServedRate);

    public static bool Saturated(IEnumerable<HttpFigures> runs) =>
        runs.Any(r => r.SloAttainment < MinAttainment || FellBehind(r));

    /// <summary>The gateway served clearly less than was offered (drops alone can be noise at low load).</summary>
    public static bool FellBehind(HttpFigures run) => run.ServedRate < 0.9 * run.OfferedRate;
}
