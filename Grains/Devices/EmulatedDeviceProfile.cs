using System.Text.Json;
using Gearbox.Contracts.Profiles;

namespace Gearbox.Devices;

/// <summary>One model's latency on the emulated device: milliseconds per batch size, and which published model it stands for.</summary>
public sealed record EmulatedModelLatency(string StandsFor, IReadOnlyList<EmulatedPoint> Latency);

public sealed record EmulatedPoint(int BatchSize, double Ms);

/// <summary>
/// Latency tables of an accelerator Gearbox does not have, per Gearbox model (a JSON file: shipped ones in
/// Grains/Devices/profiles, copied beside the binaries as emulated-profiles/NAME.json). Only latency comes
/// from here: applied to a model's measured profile it keeps that profile's confidences and accuracy.
/// </summary>
public sealed record EmulatedDeviceProfile(string Name, string Description, string Source, IReadOnlyDictionary<string, EmulatedModelLatency> Models)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The device name a profile carries when it was emulated, e.g. "emulated:v100-bert" (the label every output shows).</summary>
    public string DeviceLabel => "emulated:" + Name;

    /// <summary>Where the shipped profiles are, beside the binaries.</summary>
    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, "emulated-profiles");

    /// <summary>A shipped profile by name, or a JSON file by path.</summary>
    public static EmulatedDeviceProfile Load(string nameOrPath)
    {
        var path = File.Exists(nameOrPath) ? nameOrPath : Path.Combine(ShippedDirectory, nameOrPath + ".json");
        if (!File.Exists(path))
        {
            var shipped = Directory.Exists(ShippedDirectory) ? Directory.GetFiles(ShippedDirectory, "*.json").Select(Path.GetFileNameWithoutExtension) : [];
            throw new InvalidOperationException($"Gearbox:Devices:EmulatedProfile '{nameOrPath}' is neither a file nor a shipped profile ({string.Join(", ", shipped)}).");
        }
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidOperationException($"Emulated device profile '{path}' is unreadable: {e.Message}", e);
        }
    }

    public static EmulatedDeviceProfile Parse(string json)
    {
        var profile = JsonSerializer.Deserialize<EmulatedDeviceProfile>(json, Json) ?? throw new InvalidDataException("The file is empty.");
        if (string.IsNullOrWhiteSpace(profile.Name) || profile.Models is null || profile.Models.Count == 0)
            throw new InvalidDataException("It needs a 'name' and latency for at least one model under 'models'.");
        foreach (var (model, latency) in profile.Models)
        {
            if (latency.Latency is not { Count: > 0 } points || points.Any(p => p.BatchSize < 1 || !(p.Ms > 0)))
                throw new InvalidDataException($"Model '{model}' needs latency points with batch size ≥ 1 and ms > 0.");
        }
        return profile;
    }

    /// <summary>
    /// The measured profile with this device's latency (× <paramref name="slowdown"/>) in place of the measured
    /// one: one "thread" (a replica holds one device), device "emulated:NAME". Confidences and accuracy are kept.
    /// </summary>
    public ModelProfile Apply(ModelProfile measured, double slowdown)
    {
        if (!Models.TryGetValue(measured.Model, out var table))
            throw new InvalidOperationException($"Emulated device profile '{Name}' has no latency for model '{measured.Model}'.");
        var points = table.Latency.OrderBy(p => p.BatchSize).Select(p => new LatencyPoint(p.BatchSize, p.Ms * slowdown, p.Ms * slowdown, 0)).ToArray();
        return measured with { Device = DeviceLabel, Threads = 1, Latency = points, LatencyAtThreads = null };
    }
}
