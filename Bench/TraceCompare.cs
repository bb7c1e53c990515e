using System.Globalization;
using System.Text;

namespace Gearbox.Bench;

/// <summary>How one system's trace run ended.</summary>
public enum SystemStatus
{
    Ran,
    Unsupported,
    Failed,
    Interrupted,
}

/// <summary>GET /gear sampled once per second during a run: seconds from the start of the trace, gear in force, devices held.</summary>
public sealed record GearSample(double Seconds, int? GearIndex, double? Devices, double? DeviceSeconds);

/// <summary>
/// One system's run of the trace: its figures (null when it did not run), the device-seconds it held
/// during the trace (the difference of the gateway's cumulative deviceSeconds over the run; null when the
/// gateway does not say), the switches it made (null when it cannot say), and the per-second timeline.
/// </summary>
public sealed record SystemResult(
    string Name,
    SystemStatus Status,
    string? Problem,
    string? ServerMode,
    WindowFigures? Figures,
    double? DeviceSeconds,
    int? Switches,
    double[] P99PerSecond,
    int[] SentPerSecond,
    GearSample[] Samples)
{
    /// <summary>The requests sent during the trace's bursts; null for a trace without bursts.</summary>
    public BurstFigures? Bursts { get; init; }

    /// <summary>The server's device kind ("cpu", "emulated:…"); null when it does not say.</summary>
    public string? DeviceKind { get; init; }

    public bool Emulated => DeviceKind?.StartsWith("emulated", StringComparison.Ordinal) == true;

    public static SystemResult NotRun(string name, SystemStatus status, string problem) =>
        new(name, status, problem, null, null, null, null, [], [], []);
}

/// <summary>A baseline against gears: device-seconds, p99 and p99 during bursts as ratios (baseline / gears), attainment and accuracy as differences (baseline − gears, fractions).</summary>
public sealed record VsGears(double? DeviceSecondsRatio, double? P99Ratio, double? AttainmentDifference, double? AccuracyDifference, double? BurstP99Ratio = null)
{
    public const string Reference = "gears";

    /// <summary>The comparison, each figure null when either side lacks it (or a ratio's denominator is 0).</summary>
    public static VsGears Of(SystemResult baseline, SystemResult gears)
    {
        static double? Ratio(double? a, double? b) => a is { } x && b is { } y && double.IsFinite(x) && double.IsFinite(y) && y > 0 ? x / y : null;
        static double? Diff(double? a, double? b) => a is { } x && b is { } y && double.IsFinite(x) && double.IsFinite(y) ? x - y : null;
        var (b, g) = (baseline.Figures, gears.Figures);
        return new VsGears(
            Ratio(baseline.DeviceSeconds, gears.DeviceSeconds),
            Ratio(b?.OkLatency.P99, g?.OkLatency.P99),
            Diff(b?.Attainment, g?.Attainment),
            Diff(b?.Accuracy.Accuracy, g?.Accuracy.Accuracy),
            Ratio(baseline.Bursts?.P99Ms, gears.Bursts?.P99Ms));
    }

    /// <summary>Each baseline against the system named gears when it ran; empty otherwise.</summary>
    public static IReadOnlyDictionary<string, VsGears> ForAll(IReadOnlyList<SystemResult> systems)
    {
        var gears = systems.FirstOrDefault(s => s.Name == Reference && s.Status is SystemStatus.Ran or SystemStatus.Interrupted);
        if (gears is null) return new Dictionary<string, VsGears>();
        return systems.Where(s => s != gears && s.Figures is not null).ToDictionary(s => s.Name, s => Of(s, gears));
    }
}

/// <summary>The comparison as text: one row per system, then each baseline's ratios to gears.</summary>
public static class CompareTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(LoadTrace trace, double sloMs, IReadOnlyList<SystemResult> systems)
    {
        var text = new StringBuilder();
        text.AppendLine($"TRACE '{trace.Name}': {trace.Seconds} s, mean {F(trace.MeanRate, 1)} req/s, peak {F(trace.PeakRate, 1)} req/s; SLO {F(sloMs, 1)} ms");
        text.AppendLine($"{"system",-10}{"sent",8}{"ok",8}{"attain",9}{"p50 ms",9}{"p99 ms",9}{"max ms",9}{"504",7}{"errors",8}{"accuracy",10}{"device-s",10}{"switches",10}{"noAnswer",10}");
        foreach (var s in systems)
        {
            if (s.Figures is not { } w)
            {
                text.AppendLine($"{s.Name,-10}  {StatusWord(s.Status)}: {s.Problem}");
                continue;
            }
            text.AppendLine($"{s.Name,-10}{w.Sent,8}{w.Ok,8}{P(w.Attainment),9}{F(w.OkLatency.P50),9}{F(w.OkLatency.P99),9}{F(w.OkLatency.Max),9}" +
                            $"{w.Drops,7}{w.Errors,8}{P(w.Accuracy.Accuracy),10}{F(s.DeviceSeconds, 1),10}{(s.Switches?.ToString(Invariant) ?? "n/a"),10}{w.NoAnswer,10}");
            if (s.Emulated) text.AppendLine($"{"",10}  devices: {s.DeviceKind} — EMULATED (docs/devices.md)");
            if (s.Bursts is { } bursts)
                text.AppendLine($"{"",10}  during bursts: {bursts.Sent} sent, attainment {P(bursts.Attainment)}, p99 {F(bursts.P99Ms)} ms");
            if (s.Status == SystemStatus.Interrupted) text.AppendLine($"{"",10}  (interrupted: only part of the trace was sent)");
            if (s.Problem is not null) text.AppendLine($"{"",10}  ({s.Problem})");
        }
        var vs = VsGears.ForAll(systems);
        if (vs.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"{"vs gears",-10}{"device-s ratio",16}{"p99 ratio",11}{"burst p99 ratio",17}{"attain diff",13}{"accuracy diff",15}");
            foreach (var (name, v) in vs)
                text.AppendLine($"{name,-10}{F(v.DeviceSecondsRatio),16}{F(v.P99Ratio),11}{F(v.BurstP99Ratio),17}{Points(v.AttainmentDifference),13}{Points(v.AccuracyDifference),15}");
            text.AppendLine("  ratios: baseline / gears (above 1: the baseline held more devices, or had a higher p99); differences: baseline − gears in percentage points.");
        }
        else if (systems.Count > 1)
        {
            text.AppendLine();
            text.AppendLine("  no ratios: 'gears' did not run (include it in --compare to compare against it).");
        }
        return text.ToString();
    }

    private static string StatusWord(SystemStatus status) => status switch
    {
        SystemStatus.Unsupported => "unsupported by this server",
        SystemStatus.Failed => "failed",
        SystemStatus.Interrupted => "interrupted",
        _ => "ran",
    };

    public static string F(double? value, int decimals = 2) =>
        value is { } v && double.IsFinite(v) ? v.ToString("F" + decimals, Invariant) : "n/a";

    public static string P(double fraction) => double.IsFinite(fraction) ? (fraction * 100).ToString("F2", Invariant) + "%" : "n/a";

    public static string Points(double? difference) =>
        difference is { } d && double.IsFinite(d) ? (d * 100).ToString("+0.00;-0.00;0.00", Invariant) + " pt" : "n/a";
}

public sealed record TraceJson(string Name, int Seconds, double? MeanRate, double? PeakRate);

public sealed record VsGearsJson(double? DeviceSecondsRatio, double? P99Ratio, double? AttainmentDifference, double? AccuracyDifference, double? BurstP99Ratio);

/// <summary>One system in --json; figures it does not have (it did not run, no 200s, a gateway that does not say) are null.</summary>
public sealed record SystemJson(
    string Name, string Status, string? Problem, string? ServerMode,
    int? Sent, int? Ok, double? SloAttainment, double? P50Ms, double? P99Ms, double? MaxMs, int? Drops, int? Errors,
    double? Accuracy, double? DeviceSeconds, string? DeviceKind, int? Switches, int? NoAnswer, int? BurstSent, double? BurstAttainment, double? BurstP99Ms,
    VsGearsJson? VsGears)
{
    public static SystemJson From(SystemResult s, VsGears? vs)
    {
        var w = s.Figures;
        return new SystemJson(
            s.Name, s.Status.ToString().ToLowerInvariant(), s.Problem, s.ServerMode,
            w?.Sent, w?.Ok, Num(w?.Attainment), Num(w?.OkLatency.P50), Num(w?.OkLatency.P99), Num(w?.OkLatency.Max), w?.Drops, w?.Errors,
            Num(w?.Accuracy.Accuracy), Num(s.DeviceSeconds), s.DeviceKind, s.Switches, w?.NoAnswer,
            s.Bursts?.Sent, Num(s.Bursts?.Attainment), Num(s.Bursts?.P99Ms),
            vs is null ? null : new VsGearsJson(Num(vs.DeviceSecondsRatio), Num(vs.P99Ratio), Num(vs.AttainmentDifference), Num(vs.AccuracyDifference), Num(vs.BurstP99Ratio)));
    }

    private static double? Num(double? v) => BenchJson.Num(v);
}

/// <summary>The --json of --trace / --compare.</summary>
public sealed record TraceCompareJson(string Kind, DateTimeOffset At, string Pipeline, double SloMs, int Seed, TraceJson Trace, SystemJson[] Systems)
{
    public static TraceCompareJson From(LoadTrace trace, string pipeline, double sloMs, int seed, IReadOnlyList<SystemResult> systems, DateTimeOffset at)
    {
        var vs = VsGears.ForAll(systems);
        return new TraceCompareJson("trace", at, pipeline, sloMs, seed,
            new TraceJson(trace.Name, trace.Seconds, BenchJson.Num(trace.MeanRate), BenchJson.Num(trace.PeakRate)),
            systems.Select(s => SystemJson.From(s, vs.GetValueOrDefault(s.Name))).ToArray());
    }
}
