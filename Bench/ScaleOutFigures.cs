namespace Gearbox.Bench;

/// <summary>One rate of a silo count's sweep: the run's figures, the gear in force after it and the emulated batches that came back late meanwhile.</summary>
/// <param name="LateBatches">Batches whose real compute outran the emulated latency during this rate, summed over the silos (null: a silo's /metrics did not answer).</param>
public sealed record ScaleRateRun(double Rate, HttpFigures Http, WindowFigures Window, int? GearAfter, long? LateBatches);

/// <summary>One silo as GET /v1/cluster showed it after the sweep, with the items its workers served (GET /v1/pipelines/{name}).</summary>
public sealed record SiloWork(string Address, string Name, string Status, int EmulatedDevices, string[] Workers, long Served);

/// <summary>
/// One silo count's measurement: the cluster the bench waited for (budget, serving kind, the plan's devices and
/// ceiling), every rate run, and where the work ran. <see cref="Problem"/> says why it did not run (or ran short).
/// </summary>
public sealed record ScaleOutResult(
    int Silos, string? Problem, int? DeviceBudget, string? ServingKind, int? PlanDevices, double? PlanCeiling,
    IReadOnlyList<ScaleRateRun> Runs, IReadOnlyList<SiloWork> Work)
{
    /// <summary>Lines the silos printed that bear on placement (e.g. Orleans could not fetch another silo's device metadata).</summary>
    public IReadOnlyList<string> SiloWarnings { get; init; } = [];

    public static ScaleOutResult NotRun(int silos, string problem) => new(silos, problem, null, null, null, null, [], []);

    /// <summary>The highest served rate that held the SLO (<see cref="SweepPeak"/>), null when no rate did.</summary>
    public ScaleRateRun? Peak => SweepPeak.Find(Runs.Select(r => r.Http)) is { } peak ? Runs.First(r => ReferenceEquals(r.Http, peak)) : null;

    /// <summary>Some rate missed the SLO or fell behind: the peak is bracketed from above, not just the highest rate tried.</summary>
    public bool Saturated => SweepPeak.Saturated(Runs.Select(r => r.Http));

    /// <summary>Active silos whose workers served nothing: their devices did not carry any of the measured goodput.</summary>
    public string[] IdleSilos => Work.Where(w => w.Status == "Active" && w.Served == 0).Select(w => w.Name).ToArray();

    /// <summary>Goodput at the SLO of the peak run: 200s within the SLO per second of its window.</summary>
    public double PeakGoodput => Peak?.Window.Goodput ?? double.NaN;
}

/// <summary>What in a silo's output bears on where workers are placed.</summary>
public static class SiloWarnings
{
    /// <summary>Orleans' SiloMetadataCache: it could not read a silo's metadata (its announced devices), and will not retry until membership changes.</summary>
    public const string MetadataFetchFailed = "Error fetching metadata for silo";

    public static string[] From(string silo, IEnumerable<string> output) =>
        output.Where(l => l.Contains(MetadataFetchFailed, StringComparison.Ordinal)).Select(l => $"{silo}: {l.Trim()}").Distinct().ToArray();
}

/// <summary>The scale-out verdict: each silo count's peak goodput over the first (smallest) count's, beside the target.</summary>
public static class ScaleOutRatio
{
    /// <summary>Issue 12: two silos carry at least 1.8× the goodput at the SLO of one.</summary>
    public const double Target = 1.8;

    /// <summary>Peak goodput of <paramref name="result"/> over <paramref name="reference"/>'s; NaN when either found no peak.</summary>
    public static double Of(ScaleOutResult result, ScaleOutResult reference) =>
        reference.PeakGoodput is var r && r > 0 && double.IsFinite(result.PeakGoodput) ? result.PeakGoodput / r : double.NaN;

    /// <summary>The ratio the target asks for scales with the silos added: 1.8 for 2 over 1, 0.9 × (N / M) in general.</summary>
    public static double TargetFor(int silos, int over) => Target / 2 * silos / over;

    /// <summary>Consecutive rates at the end of a sweep that missed the SLO; the sweep stops at <see cref="StopAfterMisses"/>.</summary>
    public static int TrailingMisses(IEnumerable<ScaleRateRun> runs) =>
        runs.Reverse().TakeWhile(r => !SweepPeak.HeldSlo(r.Http)).Count();

    public const int StopAfterMisses = 2;
}
