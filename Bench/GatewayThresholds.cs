using System.Text.Json;

namespace Gearbox.Bench;

/// <summary>
/// Reads the cascade thresholds the gateway is serving with (GET /v1/pipelines/{name}), so the engine
/// baseline runs the same cascade. Tolerant of the snapshot's exact layout: it takes the first
/// "thresholds" array of the expected length.
/// </summary>
public static class GatewayThresholds
{
    public static async Task<double[]?> TryFetchAsync(Uri target, string pipeline, int expected)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var json = await client.GetByteArrayAsync(new Uri(target, $"/v1/pipelines/{Uri.EscapeDataString(pipeline)}"));
            using var document = JsonDocument.Parse(json);
            return Find(document.RootElement, expected);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static double[]? Find(JsonElement element, int expected)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name.Equals("thresholds", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Array &&
                    property.Value.GetArrayLength() == expected && property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))
                    return property.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                if (Find(property.Value, expected) is { } found) return found;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                if (Find(item, expected) is { } found) return found;
        }
        return null;
    }
}
