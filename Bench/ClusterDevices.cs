using System.Net.Http.Json;
using System.Text.Json;

namespace Gearbox.Bench;

/// <summary>What the gateway's cluster serves on (GET /v1/cluster), printed before a run so emulated devices are never mistaken for real ones.</summary>
public static class ClusterDevices
{
    /// <summary>"devices: ..." for the report, or null when the gateway does not answer (older gateways, or not up: the run says so itself).</summary>
    public static async Task<string?> DescribeAsync(Uri target)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(5) };
            var view = await http.GetFromJsonAsync<JsonElement>("/v1/cluster");
            var kind = view.GetProperty("servingKind").GetString() ?? "?";
            var silos = view.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active");
            var line = $"devices: {view.GetProperty("deviceBudget").GetInt32()} × {kind} over {silos} live silo(s)";
            return kind.StartsWith("emulated", StringComparison.Ordinal) ? line + " — EMULATED devices (docs/devices.md): latency is the emulated profile's, not this machine's" : line;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }
}
