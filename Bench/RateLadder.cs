using System.Globalization;

namespace Gearbox.Bench;

/// <summary>
/// The rates a sweep offers: a fixed list (--rate a,b,c, all of them) or a saturating ladder
/// (--rate-up START,STEP[,MAX]: START, START+STEP, ... up to MAX) that stops once the server is saturated or the
/// load generator cannot keep up: <see cref="StopAfterMisses"/> steps in a row, each under the SLO attainment or
/// generator-bound (its load generator behind its schedule: the bench, not only the server, was measured).
/// </summary>
public sealed record RateLadder(double[]? Fixed, double Start, double Step, double Max)
{
    public const int StopAfterMisses = 2;
    public const double DefaultMax = 100_000;

    public bool Saturating => Fixed is null;

    public static RateLadder Of(double[] rates) => new(rates, 0, 0, 0);

    /// <summary>The k-th rate (from 0), or null past the end.</summary>
    public double? RateAt(int k)
    {
        if (Fixed is not null) return k < Fixed.Length ? Fixed[k] : null;
        var rate = Start + k * Step;
        return rate <= Max * (1 + 1e-9) ? rate : null;
    }

    /// <summary>
    /// Why a saturating ladder stops after these steps, or null to go on (a fixed list never stops early): the
    /// last <see cref="StopAfterMisses"/> steps each missed the SLO attainment or were generator-bound. Two in a
    /// row, not one, so a single noisy step on a busy machine does not end the sweep below the server's peak.
    /// </summary>
    public string? StopReason(IReadOnlyList<HttpFigures> steps)
    {
        if (!Saturating || steps.Count < StopAfterMisses) return null;
        var last = steps.TakeLast(StopAfterMisses).ToArray();
        if (!last.All(s => !SweepPeak.HeldSlo(s) || SweepPeak.GeneratorBound(s))) return null;
        var generatorBound = last.Count(SweepPeak.GeneratorBound);
        return generatorBound == 0
            ? $"{StopAfterMisses} steps in a row under {SweepPeak.MinAttainment * 100:F0}% SLO attainment: saturated"
            : $"{StopAfterMisses} steps in a row under {SweepPeak.MinAttainment * 100:F0}% SLO attainment or generator-bound ({generatorBound} with the load generator " +
              $"behind its schedule, send lag p99 > {GeneratorLag.P99LimitMs} ms): higher rates would measure the bench as much as the server";
    }

    /// <summary>"START,STEP[,MAX]", rates in req/s.</summary>
    public static RateLadder ParseUp(string? text)
    {
        const string Form = "--rate-up takes START,STEP[,MAX] in req/s, e.g. 500,500,8000";
        if (string.IsNullOrWhiteSpace(text)) throw new BenchUsageException(Form + ".");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 3) throw new BenchUsageException($"{Form}, not '{text}'.");
        var numbers = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0.01 and <= 100_000
            ? v : throw new BenchUsageException($"{Form}: '{p}' in '{text}' is not a rate in [0.01, 100000].")).ToArray();
        var max = numbers.Length == 3 ? numbers[2] : DefaultMax;
        if (max < numbers[0]) throw new BenchUsageException($"--rate-up: MAX {parts[2]} is below START {parts[0]}.");
        return new RateLadder(null, numbers[0], numbers[1], max);
    }
}
