using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gearbox.Bench;

/// <summary>What a window of requests measured, as written to --json (NaN, e.g. no 200s, as null).</summary>
/// <param name="Goodput">Requests/s answered 200 within the SLO.</param>
/// <param name="NoAnswer">Requests that got no HTTP response at all.</param>
public sealed record MeasuredJson(
    double? Goodput, double? OfferedRate, int Sent, int Ok, int Good, int Drops, int Errors, int NoAnswer,
    double? Attainment, double? P50Ms, double? P99Ms, double? Accuracy, double? SendLagP99Ms, bool GeneratorBehind)
{
    public static MeasuredJson From(WindowFigures w) => new(
        BenchJson.Num(w.Goodput), BenchJson.Num(w.OfferedRate), w.Sent, w.Ok, w.Good, w.Drops, w.Errors, w.NoAnswer,
        BenchJson.Num(w.Attainment), BenchJson.Num(w.OkLatency.P50), BenchJson.Num(w.OkLatency.P99), BenchJson.Num(w.Accuracy.Accuracy),
        BenchJson.Num(w.SendLag.P99), w.GeneratorBehind);
}

public sealed record PredictedJson(double Capacity, double? P99Ms, double? SimulatedP99Ms, double? SimulatedAttainment, double? Accuracy);

public sealed record GearJson(
    int Index, double MinLoad, double? MaxLoad, double OfferedRate, double DurationSeconds, bool StatisticallyWeak,
    PredictedJson Predicted, MeasuredJson Measured, double? Ratio, bool WithinTarget, GearVerdict Verdict)
{
    public static GearJson From(GearCheck c) => new(
        c.Gear.Index, BenchJson.Num(c.Gear.MinLoad) ?? 0, BenchJson.Num(c.Gear.MaxLoad), BenchJson.Num(c.PredictedCapacity) ?? 0, c.DurationSeconds, c.StatisticallyWeak,
        new PredictedJson(BenchJson.Num(c.PredictedCapacity) ?? 0, BenchJson.Num(c.Gear.PredictedP99Ms), BenchJson.Num(c.Gear.SimulatedP99Ms),
            BenchJson.Num(c.Gear.SimulatedAttainment), BenchJson.Num(c.Gear.PredictedAccuracy)),
        MeasuredJson.From(c.Measured), BenchJson.Num(c.Ratio), c.WithinTarget, c.Verdict);
}

public sealed record TargetBandJson(double Low, double High);

/// <summary>The --json of --validate-plan.</summary>
public sealed record ValidationJson(
    string Kind, DateTimeOffset At, string Target, string Pipeline, int? PlanVersion, JsonElement? Request, double? Ceiling,
    double SloMs, SloSource SloSource, TargetBandJson TargetBand, GearJson[] Gears, bool AutoResumed, string? Warning);

public sealed record PhaseJson(int Index, double Rate, double Seconds, double StartSeconds, MeasuredJson Measured);

public sealed record SwitchJson(DateTimeOffset At, double SecondsFromStart, int? From, int? To, double? Load, string? Reason);

/// <summary>The --json of --phases; <see cref="Switches"/> is null when the gateway could not say (see <see cref="SwitchHistoryProblem"/>).</summary>
public sealed record PhasesJson(
    string Kind, DateTimeOffset At, string Target, string Pipeline, double SloMs, SloSource SloSource, bool Capped,
    PhaseJson[] Phases, MeasuredJson Overall, SwitchJson[]? Switches, string? SwitchHistoryProblem);

/// <summary>Where the run's SLO came from: the served plan's request, --slo, or the bench's default (no plan served).</summary>
public enum SloSource
{
    Plan,
    Option,
    Default,
}

public static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>A finite number rounded for reading, or null (JSON has no NaN or infinity).</summary>
    public static double? Num(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;

    public static double? Num(double? value) => value is { } v ? Num(v) : null;

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Write<T>(string path, T value)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Serialize(value) + Environment.NewLine);
        Console.WriteLine($"wrote {full}");
    }
}
