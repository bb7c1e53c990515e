using System.Globalization;
using System.Text.Json;

namespace Gearbox.Bench;

/// <summary>One gear of a served plan, as far as the bench needs it; predictions the server left out are null.</summary>
public sealed record PlanGear(
    int Index,
    double MinLoad,
    double MaxLoad,
    double? PredictedAccuracy,
    double? PredictedP99Ms,
    double? SimulatedP99Ms,
    double? SimulatedAttainment,
    int? Devices);

/// <summary>
/// The gear plan a gateway serves (GET /v1/pipelines/{name}/plan), read tolerantly: camelCase or
/// PascalCase members, missing fields as null, numbers also as strings ("Infinity"). The request is
/// kept as the server wrote it, to be copied into the bench's JSON.
/// </summary>
public sealed record ServedPlan(int? Version, JsonElement? Request, double? SloMs, double? MinAccuracy, PlanGear[] Gears, double? Ceiling, string[] Notes)
{
    public static ServedPlan Parse(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("The plan is not a JSON object.");
        var request = Member(root, "request") is { ValueKind: JsonValueKind.Object } r ? r.Clone() : (JsonElement?)null;
        var gears = new List<PlanGear>();
        if (Member(root, "gears") is { ValueKind: JsonValueKind.Array } array)
        {
            var position = 0;
            foreach (var g in array.EnumerateArray())
            {
                var index = Int(g, "index") ?? position;
                var maxLoad = Number(g, "maxLoad") ?? throw new InvalidDataException($"Gear {index} of the plan has no maxLoad.");
                gears.Add(new PlanGear(index, Number(g, "minLoad") ?? 0, maxLoad, Number(g, "predictedAccuracy"), Number(g, "predictedP99Ms"),
                    Number(g, "simulatedP99Ms"), Number(g, "simulatedAttainment"), Int(g, "devices")));
                position++;
            }
        }
        if (gears.Count == 0) throw new InvalidDataException("The plan has no gears.");
        var notes = Member(root, "notes") is { ValueKind: JsonValueKind.Array } n
            ? n.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];
        return new ServedPlan(Int(root, "version"), request, request is { } q ? Number(q, "sloMs") : null, request is { } a ? Number(a, "minAccuracy") : null,
            [.. gears.OrderBy(g => g.Index)], Number(root, "ceiling"), notes);
    }

    /// <summary>The load a gear is validated at: its claimed upper edge, capped at the plan's ceiling (when the plan gives one).</summary>
    public double TestRate(PlanGear gear) =>
        Ceiling is { } ceiling && ceiling > 0 && double.IsFinite(ceiling) && !(gear.MaxLoad <= ceiling) ? ceiling : gear.MaxLoad;

    /// <summary>A member by name, camelCase as ASP.NET Core writes it, or any other casing.</summary>
    internal static JsonElement? Member(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        if (element.TryGetProperty(name, out var exact)) return exact;
        foreach (var property in element.EnumerateObject())
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        return null;
    }

    internal static double? Number(JsonElement element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } v => v.GetDouble(),
        { ValueKind: JsonValueKind.String } v when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    internal static int? Int(JsonElement element, string name) => Number(element, name) is { } v && v == Math.Floor(v) && Math.Abs(v) <= int.MaxValue ? (int)v : null;

    internal static string? Text(JsonElement element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        _ => null,
    };

    internal static bool? Bool(JsonElement element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };
}

/// <summary>GET /v1/pipelines/{name}/gear: the gear in force and, on gateways that switch by themselves, the mode and load estimate.</summary>
/// <param name="Mode">"auto" or "pinned"; null from a gateway without automatic switching.</param>
public sealed record GearState(string? Mode, int? GearIndex, int? PlanVersion, double? BandMinLoad, double? BandMaxLoad, double? EstimatedRate, bool? Burst)
{
    /// <summary>The control policy in force ("policy": gears, static, reactive, switching; null from a gateway that does not say).</summary>
    public string? Policy { get; init; }

    /// <summary>Cores/devices held now ("devices"; null from a gateway that does not say).</summary>
    public double? Devices { get; init; }

    /// <summary>Devices held × time since the pipeline's planner started ("deviceSeconds", cumulative; null from a gateway that does not say).</summary>
    public double? DeviceSeconds { get; init; }

    /// <summary>What a device is ("deviceKind": "cpu", or "emulated:PROFILE ×N slower"; null from a gateway that does not say).</summary>
    public string? DeviceKind { get; init; }

    public static GearState Parse(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var band = ServedPlan.Member(root, "band");
        var estimate = ServedPlan.Member(root, "estimate");
        return new GearState(
            ServedPlan.Text(root, "mode"),
            ServedPlan.Int(root, "gearIndex"),
            ServedPlan.Int(root, "planVersion"),
            band is { } b ? ServedPlan.Number(b, "minLoad") : null,
            band is { } c ? ServedPlan.Number(c, "maxLoad") : null,
            estimate is { } e ? ServedPlan.Number(e, "rate") : null,
            estimate is { } f ? ServedPlan.Bool(f, "burst") : null)
        {
            Policy = ServedPlan.Text(root, "policy"),
            Devices = ServedPlan.Number(root, "devices"),
            DeviceSeconds = ServedPlan.Number(root, "deviceSeconds"),
            DeviceKind = ServedPlan.Text(root, "deviceKind"),
        };
    }
}

/// <summary>One automatic (or manual) gear switch from GET /v1/pipelines/{name}/gear/history.</summary>
public sealed record GearSwitch(DateTimeOffset At, int? From, int? To, double? Load, string? Reason)
{
    /// <summary>Reads {"switches":[...]} (or a bare array); entries without a readable time are skipped.</summary>
    public static GearSwitch[] ParseHistory(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var list = root.ValueKind == JsonValueKind.Array ? root : ServedPlan.Member(root, "switches");
        if (list is not { ValueKind: JsonValueKind.Array } switches) return [];
        var result = new List<GearSwitch>();
        foreach (var s in switches.EnumerateArray())
        {
            if (ServedPlan.Text(s, "at") is not { } at
                || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)) continue;
            result.Add(new GearSwitch(when, ServedPlan.Int(s, "from"), ServedPlan.Int(s, "to"), ServedPlan.Number(s, "load"), ServedPlan.Text(s, "reason")));
        }
        return [.. result.OrderBy(s => s.At)];
    }

    /// <summary>The switches made while a run was on (with a little slack for the clock readings).</summary>
    public static GearSwitch[] During(IEnumerable<GearSwitch> switches, DateTimeOffset start, DateTimeOffset end) =>
        switches.Where(s => s.At >= start.AddSeconds(-0.5) && s.At <= end.AddSeconds(0.5)).ToArray();
}
