using System.Text.Json;

namespace Gearbox.Bench;

/// <summary>
/// Reads the cascade thresholds the gateway is serving with (GET /v1/pipelines/{name}), so the engine
/// baseline runs the same cascade. Tolerant of the snapshot's exact layout: it takes the first
/// "thresholds" member that is either an array of the expected length or an object keyed by the
/// cascade's model names (every model but the last).
/// </summary>
public static class GatewayThresholds
{
    public static async Task<double[]?> TryFetchAsync(Uri target, string pipeline, IReadOnlyList<string> cascade)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var json = await client.GetByteArrayAsync(new Uri(target, $"/v1/pipelines/{Uri.EscapeDataString(pipeline)}"));
            return FromSnapshot(json, cascade);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The thresholds in a pipeline snapshot's JSON, in cascade order; null when it has none that fit.</summary>
    public static double[]? FromSnapshot(ReadOnlySpan<byte> json, IReadOnlyList<string> cascade)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return Find(document.RootElement, cascade.Take(cascade.Count - 1).ToArray());
    }

    private static double[]? Find(JsonElement element, string[] gated)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name.Equals("thresholds", StringComparison.OrdinalIgnoreCase) && Read(property.Value, gated) is { } thresholds)
                    return thresholds;
                if (Find(property.Value, gated) is { } found) return found;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                if (Find(item, gated) is { } found) return found;
        }
        return null;
    }

    private static double[]? Read(JsonElement value, string[] gated)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == gated.Length && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))
            return value.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (value.ValueKind != JsonValueKind.Object) return null;
        var byModel = new double[gated.Length];
        for (var m = 0; m < gated.Length; m++)
        {
            if (!value.TryGetProperty(gated[m], out var t) || t.ValueKind != JsonValueKind.Number) return null;
            byModel[m] = t.GetDouble();
        }
        return byModel;
    }
}
