using System.Globalization;

namespace Gearbox.Bench;

/// <summary>
/// A load trace: the offered rate (requests/s) for each second of the run, second 0 first. It runs as
/// one open-loop schedule of 1-second phases (<see cref="ToPhases"/>), Poisson within each second.
/// </summary>
/// <param name="Name">"diurnal", "bursty" or the file's name.</param>
/// <param name="Bursts">For the bursty generator: each burst's first second and length (empty otherwise).</param>
public sealed record LoadTrace(string Name, double[] Rates, TraceBurst[] Bursts)
{
    public int Seconds => Rates.Length;
    public double MeanRate => Rates.Length == 0 ? double.NaN : Rates.Average();
    public double PeakRate => Rates.Length == 0 ? double.NaN : Rates.Max();

    /// <summary>One phase of 1 s per second of the trace.</summary>
    public LoadPhase[] ToPhases() => Rates.Select(r => new LoadPhase(r, 1)).ToArray();

    public override string ToString() =>
        $"trace '{Name}': {Seconds} s, mean {MeanRate.ToString("F1", CultureInfo.InvariantCulture)} req/s, peak {PeakRate.ToString("F1", CultureInfo.InvariantCulture)} req/s";
}

/// <summary>A burst of the bursty trace: seconds [Start, Start + Length) at ×<see cref="LoadTraces.BurstFactor"/> the base load.</summary>
public sealed record TraceBurst(int Start, int Length);

public static class LoadTraces
{
    public const double MaxRate = LoadPhases.MaxRate;
    public const int MaxSeconds = (int)LoadPhases.MaxTotalSeconds;

    /// <summary>The diurnal trace's night low, as a fraction of its peak.</summary>
    public const double DiurnalLow = 0.10;

    /// <summary>How far the diurnal trace's seeded wobble moves a second's rate (±, relative), before capping at the peak.</summary>
    public const double DiurnalWobble = 0.05;

    /// <summary>The bursty trace: bursts multiply the base load by this.</summary>
    public const double BurstFactor = 4;

    public const int MinBurstSeconds = 5, MaxBurstSeconds = 10;

    /// <summary>The bursty trace has about one burst per this many seconds (at least one).</summary>
    public const int SecondsPerBurst = 60;

    /// <summary>
    /// "diurnal" or "bursty" generate a seeded trace of <paramref name="seconds"/> seconds peaking at
    /// <paramref name="peak"/> req/s; anything else is a CSV file to read.
    /// </summary>
    public static LoadTrace Resolve(string spec, int seconds, double peak, int seed) => spec switch
    {
        "diurnal" => Diurnal(seconds, peak, seed),
        "bursty" => Bursty(seconds, peak, seed),
        _ => File.Exists(spec)
            ? ParseCsv(File.ReadAllText(spec), spec)
            : throw new BenchUsageException($"--trace: '{spec}' is neither 'diurnal', 'bursty' nor a file that exists."),
    };

    /// <summary>
    /// Reads "second,rate" lines: second 0, 1, 2, … one row each, rate a number ≥ 0 (requests in that
    /// second). An optional header (a first line with no number in it) and blank lines are skipped.
    /// Every problem names its line.
    /// </summary>
    public static LoadTrace ParseCsv(string text, string source)
    {
        var name = Path.GetFileName(source);
        var rates = new List<double>();
        var lines = text.Split('\n');
        var seenContent = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0) continue;
            string Where() => $"--trace {source}: line {lineNumber}";
            var fields = line.Split(',').Select(f => f.Trim()).ToArray();
            var first = !seenContent;
            seenContent = true;
            if (first && fields.All(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _))) continue; // header
            if (fields.Length != 2)
                throw new BenchUsageException($"{Where()}: '{line}' has {fields.Length} field(s); each line is 'second,rate'.");
            if (!double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var second) || !double.IsFinite(second))
                throw new BenchUsageException($"{Where()}: the second '{fields[0]}' is not a number.");
            if (!double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate))
                throw new BenchUsageException($"{Where()}: the rate '{fields[1]}' is not a number.");
            if (rate < 0) throw new BenchUsageException($"{Where()}: the rate {fields[1]} is negative; rates are requests/s ≥ 0.");
            if (rate > MaxRate) throw new BenchUsageException($"{Where()}: the rate {fields[1]} is above the bench's limit of {MaxRate.ToString(CultureInfo.InvariantCulture)} requests/s.");
            if (second != rates.Count)
                throw new BenchUsageException($"{Where()}: second {fields[0]} where {rates.Count} was expected; seconds start at 0 and go up by 1, one line each.");
            if (rates.Count == MaxSeconds) throw new BenchUsageException($"{Where()}: the trace is longer than the bench's limit of {MaxSeconds} s.");
            rates.Add(rate);
        }
        if (rates.Count == 0) throw new BenchUsageException($"--trace {source}: no 'second,rate' lines; the trace is empty.");
        if (rates.All(r => r == 0)) throw new BenchUsageException($"--trace {source}: every rate is 0; there is nothing to send.");
        return new LoadTrace(name, [.. rates], []);
    }

    /// <summary>
    /// A day compressed into <paramref name="seconds"/>: from the night low (10 % of the peak) up a
    /// raised cosine to the peak at mid-run and back down, each second wobbled by a seeded ±5 % (smoothed
    /// over neighbouring seconds) and capped at the peak; the peak second itself is exactly the peak.
    /// </summary>
    public static LoadTrace Diurnal(int seconds, double peak, int seed)
    {
        CheckShape(seconds, peak, 2);
        var random = new Random(seed);
        var noise = Enumerable.Range(0, seconds).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var shapes = Enumerable.Range(0, seconds)
            .Select(t => DiurnalLow + (1 - DiurnalLow) * (1 - Math.Cos(2 * Math.PI * (t + 0.5) / seconds)) / 2).ToArray();
        var rates = new double[seconds];
        for (var t = 0; t < seconds; t++)
        {
            // Average three neighbouring draws so the wobble is smooth, not a new jump every second.
            var wobble = (noise[Math.Max(0, t - 1)] + noise[t] + noise[Math.Min(seconds - 1, t + 1)]) / 3;
            rates[t] = Math.Min(peak, peak * shapes[t] * (1 + DiurnalWobble * wobble));
        }
        var top = Array.IndexOf(shapes, shapes.Max());
        rates[top] = peak;
        return new LoadTrace("diurnal", rates.Select(r => Math.Round(r, 3)).ToArray(), []);
    }

    /// <summary>
    /// A steady base load of peak / 4 with about one burst per minute (at least one) at ×4 = the peak,
    /// each lasting 5–10 s at a seeded length and time: the run is cut into equal slots and each slot
    /// holds one burst somewhere inside it, never touching the slot's ends, so bursts never merge.
    /// </summary>
    public static LoadTrace Bursty(int seconds, double peak, int seed)
    {
        CheckShape(seconds, peak, MinBurstSeconds * 2);
        var random = new Random(seed);
        var baseRate = peak / BurstFactor;
        var rates = Enumerable.Repeat(baseRate, seconds).ToArray();
        var count = Math.Max(1, seconds / SecondsPerBurst);
        var bursts = new List<TraceBurst>();
        for (var k = 0; k < count; k++)
        {
            var slotStart = k * seconds / count;
            var slotEnd = (k + 1) * seconds / count;
            var room = slotEnd - slotStart - 2; // one second of base load on either side
            var length = random.Next(MinBurstSeconds, Math.Min(MaxBurstSeconds, room) + 1);
            var start = slotStart + 1 + random.Next(0, room - length + 1);
            for (var t = start; t < start + length; t++) rates[t] = peak;
            bursts.Add(new TraceBurst(start, length));
        }
        return new LoadTrace("bursty", rates, [.. bursts]);
    }

    private static void CheckShape(int seconds, double peak, int minSeconds)
    {
        if (seconds < minSeconds || seconds > MaxSeconds)
            throw new BenchUsageException($"--trace-seconds must be in [{minSeconds}, {MaxSeconds}] for this trace, not {seconds}.");
        if (!(peak >= 0.01 && peak <= MaxRate))
            throw new BenchUsageException($"--trace-peak must be in [0.01, {MaxRate.ToString(CultureInfo.InvariantCulture)}] requests/s, not {peak.ToString(CultureInfo.InvariantCulture)}.");
    }
}
