namespace Gearbox.Bench;

/// <summary>The --json of --scale-out: the emulation, each silo count's sweep, peak and where work ran, and the ratios.</summary>
/// <param name="LoadAverage">The host's 1/5/15-minute load average (/proc/loadavg) when the run started and ended: others' jobs share these cores.</param>
public sealed record ScaleOutJson(
    string Kind, DateTimeOffset At, string Pipeline, double SloMs, double? MinAccuracy, double DurationSeconds, double MinAttainment,
    EmulationJson Emulation, LoadAverageJson LoadAverage, ClusterRunJson[] Clusters, RatioJson[] Ratios)
{
    public static ScaleOutJson From(BenchOptions o, IReadOnlyList<ScaleOutResult> results, LoadAverageJson loadAverage, DateTimeOffset at) => new(
        "scale-out", at, o.Pipeline, o.SloMs, o.MinAccuracy, o.DurationSeconds, SweepPeak.MinAttainment,
        new EmulationJson(true, o.EmulateDevices, o.EmulatedProfile, o.Slowdown,
            $"EMULATED: {o.EmulateDevices} emulated:{o.EmulatedProfile} ×{o.Slowdown.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} slower device(s) per silo (docs/devices.md), all processes on one host"),
        loadAverage,
        results.Select(ClusterRunJson.From).ToArray(),
        results.Skip(1).Select(r => RatioJson.From(r, results[0])).ToArray());
}

public sealed record EmulationJson(bool Emulated, int DevicesPerSilo, string Profile, double Slowdown, string Label);

public sealed record LoadAverageJson(string? AtStart, string? AtEnd)
{
    /// <summary>"1.85 3.79 7.99" (the first three fields of /proc/loadavg), or null off Linux.</summary>
    public static string? Now()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <param name="Status">"ran", or "failed" (see Problem; a sweep cut short also carries one).</param>
public sealed record ClusterRunJson(
    int Silos, string Status, string? Problem, int? DeviceBudget, string? ServingKind, int? PlanDevices, double? PlanCeiling,
    ScaleRateJson[] Runs, PeakJson? Peak, bool Saturated, SiloWorkJson[] Work, string[] IdleSilos, string[] SiloWarnings)
{
    public static ClusterRunJson From(ScaleOutResult r) => new(
        r.Silos, r.Runs.Count > 0 ? "ran" : "failed", r.Problem, r.DeviceBudget, r.ServingKind, r.PlanDevices, BenchJson.Num(r.PlanCeiling),
        r.Runs.Select(x => new ScaleRateJson(x.Rate, MeasuredJson.From(x.Window), BenchJson.Num(x.Http.ServedRate), x.GearAfter, x.LateBatches)).ToArray(),
        r.Peak is { } p ? PeakJson.From(p) : null,
        r.Saturated,
        r.Work.Select(w => new SiloWorkJson(w.Address, w.Name, w.Status, w.EmulatedDevices, w.Workers, w.Served)).ToArray(),
        r.IdleSilos,
        [.. r.SiloWarnings]);
}

/// <param name="Measured">Goodput (200s within the SLO per second), attainment, p99, drops, errors and noAnswer of this rate.</param>
/// <param name="ServedRate">200s per second of the run's wall time (what the peak is chosen by, as in the plain sweep).</param>
public sealed record ScaleRateJson(double Rate, MeasuredJson Measured, double? ServedRate, int? GearAfter, long? LateBatches);

/// <summary>The peak run: the highest served rate with at least <see cref="SweepPeak.MinAttainment"/> of requests answered 200 within the SLO.</summary>
public sealed record PeakJson(double Rate, double? Goodput, double? OfferedRate, double? Attainment, double? P99Ms, int Drops, int Errors, int NoAnswer)
{
    public static PeakJson From(ScaleRateRun p) => new(p.Rate, BenchJson.Num(p.Window.Goodput), BenchJson.Num(p.Window.OfferedRate),
        BenchJson.Num(p.Window.Attainment), BenchJson.Num(p.Window.OkLatency.P99), p.Window.Drops, p.Window.Errors, p.Window.NoAnswer);
}

public sealed record SiloWorkJson(string Address, string Name, string Status, int EmulatedDevices, string[] Workers, long Served);

/// <param name="Ratio">Peak goodput at the SLO of <see cref="Silos"/> silos over <see cref="Over"/> silos' (null when either found no peak).</param>
/// <param name="Target">1.8 for 2 over 1 (issue 12), 0.9 × Silos/Over in general.</param>
/// <param name="Problem">Why the ratio is not a scale-out figure even if it meets the target: a silo served nothing (null: every silo served).</param>
public sealed record RatioJson(int Silos, int Over, double? Ratio, double Target, bool? MeetsTarget, string? Problem)
{
    public static RatioJson From(ScaleOutResult result, ScaleOutResult reference)
    {
        var ratio = ScaleOutRatio.Of(result, reference);
        var target = ScaleOutRatio.TargetFor(result.Silos, reference.Silos);
        var idle = result.IdleSilos.Concat(reference.IdleSilos).ToArray();
        return new RatioJson(result.Silos, reference.Silos, BenchJson.Num(ratio), Math.Round(target, 4), double.IsFinite(ratio) ? ratio >= target : null,
            idle.Length == 0 ? null : $"{string.Join(", ", idle)} served nothing: the goodput is not every silo's devices' (see 'work')");
    }
}
