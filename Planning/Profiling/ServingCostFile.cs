using System.Text.Json;
using Gearbox.Contracts.Profiles;

namespace Gearbox.Profiling;

/// <summary>
/// The measured serving-path cost as JSON beside the model profiles: <c>{dir}/serving.json</c> holding
/// <c>{"formatVersion":1,"serving":{...ServingCost...}}</c>, written by <c>gearbox-cli profile-serving</c>.
/// See docs/profiles.md.
/// </summary>
public sealed class ServingCostFile(string directory)
{
    public const string FileName = "serving.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Directory { get; } = directory;

    public string Path => System.IO.Path.Combine(Directory, FileName);

    public bool Exists => File.Exists(Path);

    public void Save(ServingCost cost)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, Serialize(cost));
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>The stored cost, or null when none has been measured; an unreadable file is an error naming the command that rebuilds it.</summary>
    public ServingCost? TryLoad()
    {
        if (!Exists) return null;
        try
        {
            return Deserialize(File.ReadAllText(Path));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"Serving cost '{Path}' is unreadable: {e.Message} Run './gearbox profile-serving' to measure it again.", e);
        }
    }

    public static string Serialize(ServingCost cost) => JsonSerializer.Serialize(new Envelope(ServingCost.FormatVersion, cost), Json);

    public static ServingCost Deserialize(string json)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(json, Json) ?? throw new InvalidDataException("The serving cost file is empty.");
        if (envelope.FormatVersion != ServingCost.FormatVersion)
            throw new InvalidDataException($"Serving cost format version {envelope.FormatVersion} is not the supported {ServingCost.FormatVersion}.");
        var cost = envelope.Serving ?? throw new InvalidDataException("The serving cost file has no 'serving' object.");
        if (!(cost.CpuMsPerRequest >= 0) || !(cost.CpuMsPerItem >= 0) || !(cost.CpuMsPerSecond >= 0) || !(cost.AddedLatencyMs >= 0) || cost.Runs is null)
            throw new InvalidDataException("'cpuMsPerSecond', 'cpuMsPerRequest', 'cpuMsPerItem' and 'addedLatencyMs' must be non-negative numbers, with the runs they came from.");
        return cost;
    }

    private sealed record Envelope(int FormatVersion, ServingCost? Serving);
}
