using System.Text.Json;
using System.Text.Json.Nodes;
using Gearbox.Bench;
using Gearbox.Tests.Http;
using Gearbox.Tests.Serving;

namespace Gearbox.Tests.Cluster;

/// <summary>Requests the multi-silo tests send, and what they read back (which silo hosts which worker).</summary>
public static class ClusterRequests
{
    /// <summary>
    /// The SLO the load requests carry: a patient client that allows 10 s, so the counts measure whether
    /// every request is answered and served through a failure, not whether it beat a tight SLO meanwhile.
    /// GEARBOX_FAULTS_SLO_MS overrides it to measure what a tighter SLO sees (docs/faults.md); the
    /// assertions hold for the default only.
    /// </summary>
    public static readonly double SloMs = double.TryParse(Environment.GetEnvironmentVariable("GEARBOX_FAULTS_SLO_MS"), out var ms) ? ms : 10_000;

    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    public static readonly string[] SmallPipelines = ["fashion", "mlp", "cnn-small", "cnn-large"];
    public static readonly string[] AllPipelines = [.. SmallPipelines, "fashion-grid", "grid-tiles"];

    public static string Body28 => InferJson.Body([ServingModels.Instance.Data.Test.Image(0).ToArray()], 28, SloMs);
    public static string BodyDefaultSlo => InferJson.Body([ServingModels.Instance.Data.Test.Image(0).ToArray()], 28, sloMs: null);
    public static string Body56 => InferJson.Body([Data.GridImages.Generate(ServingModels.Instance.Data.Test, 1, seed: 5).Pixels], 56, SloMs);
    public static string BodyFor(string pipeline) => pipeline.Contains("grid", StringComparison.Ordinal) ? Body56 : Body28;

    public static OpenLoopLoad Load(ProcessCluster cluster, string model, string body) =>
        new(cluster.Http.BaseAddress!, model, body, AnswerTimeout);

    /// <summary>A few requests, so fashion's workers have activated and loaded their models before the measured run.</summary>
    public static async Task Warm(ProcessCluster cluster)
    {
        var outcomes = await Load(cluster, "fashion", Body28).RunAsync(20, TimeSpan.FromSeconds(2));
        Assert.True(outcomes.All(o => o.Status == 200), "warm-up: " + OpenLoopLoad.Summary(outcomes) + "\n" + cluster.Describe());
    }

    /// <summary>A pipeline's workers as GET /v1/pipelines/{name} lists them: key, host silo's address, items served.</summary>
    public static async Task<List<(string Worker, string Silo, long Served)>> Workers(ProcessCluster cluster, string pipeline)
    {
        using var response = await cluster.Http.GetAsync($"/v1/pipelines/{pipeline}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /v1/pipelines/{pipeline}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("stages").EnumerateArray()
            .SelectMany(s => s.GetProperty("workers").EnumerateArray())
            .Select(w => (w.GetProperty("worker").GetString()!, w.GetProperty("silo").GetString()!, w.GetProperty("served").GetInt64()))
            .ToList();
    }

    /// <summary>GET <paramref name="path"/> as JSON; null while it does not answer 200 (a silo restarting, the gateway reconnecting).</summary>
    public static async Task<JsonNode?> TryGet(ProcessCluster cluster, string path)
    {
        try
        {
            using var response = await cluster.Http.GetAsync(path).WaitAsync(TimeSpan.FromSeconds(15));
            return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Polls <paramref name="check"/> until it gives a value, failing with the cluster's output after <paramref name="timeout"/>.</summary>
    public static async Task<JsonNode> Eventually(ProcessCluster cluster, string phase, string what, TimeSpan timeout, Func<Task<JsonNode?>> check)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await check() is { } done) return done;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"After the {phase}, waited {timeout.TotalSeconds:0} s for {what}.\n{cluster.Describe()}");
            await Task.Delay(500);
        }
    }
}
