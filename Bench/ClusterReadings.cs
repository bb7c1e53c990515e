using System.Net.Http.Json;
using System.Text.Json;
using Gearbox.Contracts.Cluster;

namespace Gearbox.Bench;

/// <summary>What the bench reads from a running cluster: GET /v1/cluster, each silo's items served, and the silos' late emulated batches.</summary>
public sealed class ClusterReadings(Uri gateway) : IDisposable
{
    public const string LateBatchesMetric = "gearbox_emulated_late_batches_total";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>GET /v1/cluster, or null with the reason.</summary>
    public async Task<(ClusterView? View, string? Problem)> ViewAsync(CancellationToken cancel)
    {
        try
        {
            return (await _http.GetFromJsonAsync<ClusterView>("/v1/cluster", Json, cancel), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancel.IsCancellationRequested)
        {
            return (null, $"GET /v1/cluster: {e.Message}");
        }
    }

    /// <summary>Items served per silo address, summed over the pipeline's workers (GET /v1/pipelines/{name}); empty when it does not answer.</summary>
    public async Task<Dictionary<string, long>> ServedBySiloAsync(string pipeline, CancellationToken cancel)
    {
        var served = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            var root = await _http.GetFromJsonAsync<JsonElement>($"/v1/pipelines/{Uri.EscapeDataString(pipeline)}", cancel);
            foreach (var stage in root.GetProperty("stages").EnumerateArray())
            foreach (var worker in stage.GetProperty("workers").EnumerateArray())
            {
                var silo = worker.GetProperty("silo").GetString() ?? "?";
                served[silo] = served.GetValueOrDefault(silo) + worker.GetProperty("served").GetInt64();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException && !cancel.IsCancellationRequested)
        {
            // Reported as no figures.
        }
        return served;
    }

    /// <summary>The silos' late emulated batches so far (their /metrics summed), null when one does not answer.</summary>
    public static async Task<long?> LateBatchesAsync(IEnumerable<Uri> silos, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        long total = 0;
        foreach (var silo in silos)
        {
            try
            {
                total += SumCounter(await http.GetStringAsync(new Uri(silo, "/metrics"), cancel), LateBatchesMetric);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                return null;
            }
        }
        return total;
    }

    /// <summary>The sum of a counter's samples (every label set) in a Prometheus text exposition; 0 when it has none yet.</summary>
    public static long SumCounter(string exposition, string name) => (long)(PrometheusText.Parse(exposition).Sum(name) ?? 0);

    public void Dispose() => _http.Dispose();
}
