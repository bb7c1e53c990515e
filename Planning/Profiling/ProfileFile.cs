using System.Text.Json;
using Gearbox.Contracts.Profiles;

namespace Gearbox.Profiling;

/// <summary>
/// Profiles as JSON files, one per model: <c>{dir}/{model}.profile.json</c> holding
/// <c>{"formatVersion":1,"profile":{...ModelProfile...}}</c>. See docs/profiles.md.
/// </summary>
public sealed class ProfileFile(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Directory { get; } = directory;

    public string PathOf(string model) => Path.Combine(Directory, $"{model}.profile.json");

    public bool Has(string model) => File.Exists(PathOf(model));

    public void Save(ModelProfile profile)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = PathOf(profile.Model) + ".tmp";
        File.WriteAllText(temporary, Serialize(profile));
        File.Move(temporary, PathOf(profile.Model), overwrite: true);
    }

    public ModelProfile Load(string model)
    {
        var path = PathOf(model);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No profile for model '{model}' at '{path}'. Run './gearbox profile'.", path);
        try
        {
            return Deserialize(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"Profile '{path}' is unreadable: {e.Message} Run './gearbox profile' to measure it again.", e);
        }
    }

    public static string Serialize(ModelProfile profile) =>
        JsonSerializer.Serialize(new Envelope(ModelProfile.FormatVersion, profile), Json);

    public static ModelProfile Deserialize(string json)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(json, Json) ?? throw new InvalidDataException("The profile file is empty.");
        if (envelope.FormatVersion != ModelProfile.FormatVersion)
            throw new InvalidDataException($"Profile format version {envelope.FormatVersion} is not the supported {ModelProfile.FormatVersion}.");
        var profile = envelope.Profile ?? throw new InvalidDataException("The profile file has no 'profile' object.");
        if (profile.Confidence is null || profile.Correct is null || profile.Latency is null || profile.Confidence.Length != profile.Correct.Length)
            throw new InvalidDataException("'confidence' and 'correct' must both be present and of equal length.");
        if (profile.FanOut is not null && profile.FanOut.Length != profile.Correct.Length)
            throw new InvalidDataException("'fanOut' must have one entry per validation item.");
        if (profile.LatencyAtThreads is { } more && more.Any(t => t is null || t.Latency is null || t.Latency.Count == 0 || t.Threads < 1))
            throw new InvalidDataException("every 'latencyAtThreads' entry needs threads ≥ 1 and latency points.");
        return profile;
    }

    private sealed record Envelope(int FormatVersion, ModelProfile? Profile);
}
