using System.Text.Json;

namespace Gearbox.Bench;

/// <summary>Reads the "label" output of an Open Inference Protocol response, flattened (grids: 4 per item).</summary>
public static class ResponseLabels
{
    public static int[]? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (!document.RootElement.TryGetProperty("outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Array) return null;
            foreach (var output in outputs.EnumerateArray())
            {
                if (output.TryGetProperty("name", out var name) && name.GetString() == "label" && output.TryGetProperty("data", out var data))
                    return data.EnumerateArray().Select(e => (int)e.GetInt64()).ToArray();
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
