namespace Gearbox.Bench;

/// <summary>
/// How far repeated runs' peaks agree: spread = (max − min) / mean, and whether every run is within
/// ±<see cref="Tolerance"/> of the mean (issue 13: "the same within ±10% over three runs"). A run with no
/// peak (none held the SLO) makes the spread undefined and the check fail.
/// </summary>
public sealed record RunSpread(double Min, double Max, double Mean, double Spread, bool WithinTolerance)
{
    public const double Tolerance = 0.10;

    public static RunSpread Of(IReadOnlyList<double> peaks)
    {
        if (peaks.Count == 0 || peaks.Any(p => !double.IsFinite(p))) return new RunSpread(double.NaN, double.NaN, double.NaN, double.NaN, false);
        var mean = peaks.Average();
        var within = mean > 0 && peaks.All(p => Math.Abs(p - mean) <= Tolerance * mean + 1e-9);
        return new RunSpread(peaks.Min(), peaks.Max(), mean, mean > 0 ? (peaks.Max() - peaks.Min()) / mean : double.NaN, within);
    }
}
