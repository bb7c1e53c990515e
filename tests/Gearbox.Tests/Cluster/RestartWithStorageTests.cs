using Gearbox.Bench;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gearbox.Tests.Http;
using Gearbox.Tests.Storage;
using Xunit.Abstractions;
using static Gearbox.Tests.Cluster.ClusterRequests;

namespace Gearbox.Tests.Cluster;

/// <summary>
/// Every silo of a cluster restarted, with Azure Table storage (a real Azurite) and Redis kept running:
/// real processes (redis-server, azurite-table, two standalone silos, a client gateway). What an operator
/// set by hand — a plan, a pinned gear, automatic mode — and the stage configuration it put in force must
/// come back with the new silos, with no request to set them again.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class RestartWithStorageTests(ITestOutputHelper output)
{
    private const string Pipeline = "fashion";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Plan_pinned_gear_auto_mode_and_stage_configuration_survive_a_restart_of_every_silo()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var cluster = await TestCluster.StartAsync(silos: 2,
            settings: [new("Gearbox:Storage:ConnectionString", azurite.ConnectionString), new("Gearbox:Storage:TableName", "restart")]);
        await Warm(cluster);

        // A plan and a pinned gear set by hand.
        var plan = await Send(cluster, HttpMethod.Post, $"/v1/pipelines/{Pipeline}/plan",
            """{"sloMs":100,"minAccuracy":0.75,"devices":6,"maxLoad":20000}""");
        var version = plan["version"]!.GetValue<int>();
        var gears = plan["gears"]!.AsArray();
        var pinned = gears.Count - 1; // the top gear: not the one automatic mode picks when idle, if there are two

        Assert.False(LooksInitial(gears[pinned]!),
            $"Gear {pinned} provisions like the initial configuration (one replica, batch 32 each), so a lost configuration would go unnoticed: {gears[pinned]}");
        await Send(cluster, HttpMethod.Post, $"/v1/pipelines/{Pipeline}/gear", $$"""{"index":{{pinned}}}""");
        var before = await Configuration(cluster);
        Assert.Equal(Expected(gears[pinned]!, before), Provision(before));
        output.WriteLine($"before: plan v{version}, {gears.Count} gears, pinned to gear {pinned}; stages: {Provision(before)}");

        // Phase 1: SIGTERM to both silos, two fresh silos.
        await RestartAllSilos(cluster, ChildProcess.SigTerm);
        await AssertCameBack(cluster, "SIGTERM restart", version, plan, "pinned", pinned, before);

        // Phase 2: automatic mode resumed (at idle it leaves the pinned top gear for a lower one), then kill -9 of both silos.
        var resumed = await Send(cluster, HttpMethod.Post, $"/v1/pipelines/{Pipeline}/gear", """{"auto":true}""");
        Assert.Equal("auto", resumed["mode"]!.GetValue<string>());
        if (gears.Count > 1)
        {
            var switched = await Eventually(cluster, "resume", "automatic mode to leave the pinned gear at idle load",
                async () => await TryGet(cluster, $"/v1/pipelines/{Pipeline}/gear") is { } s && s["gearIndex"]?.GetValue<int>() is { } g && g != pinned ? s : null);
            output.WriteLine($"auto: gear {switched["gearIndex"]} in force before the kill -9");
        }
        await RestartAllSilos(cluster, ChildProcess.SigKill);
        await AssertMode(cluster, "kill -9 restart", version, "auto");
        await AssertConfigured(cluster, "kill -9 restart", gears, pinned: null);
        await AssertPlanUnchanged(cluster, "kill -9 restart", plan);
        await AssertServes(cluster, "kill -9 restart");
    }

    private async Task RestartAllSilos(ProcessCluster cluster, int signal)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cluster.StopAllSilosAsync(signal, ExitTimeout);
        output.WriteLine($"signal {signal}: both silos exited after {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        await Task.WhenAll(cluster.AddSiloAsync(), cluster.AddSiloAsync());
        output.WriteLine($"two fresh silos started in {clock.Elapsed.TotalSeconds:F1} s");
        await AssertOneClusterOfTheNewSilos(cluster);
    }

    /// <summary>The dead silos' rows stay in Redis (same ServiceId and ClusterId); the two new silos must form one cluster all the same.</summary>
    private async Task AssertOneClusterOfTheNewSilos(ProcessCluster cluster)
    {
        var fresh = cluster.Silos.TakeLast(2).Select(s => $":{s.Ports.Silo}").ToArray();
        string[] active = [];
        await Eventually(cluster, "restart", "GET /v1/cluster to list exactly the two new silos as active", async () =>
        {
            if (await TryGet(cluster, "/v1/cluster") is not { } view) return null;
            active = view["silos"]!.AsArray().Where(s => s!["status"]!.GetValue<string>() == "Active")
                .Select(s => s!["address"]!.GetValue<string>()).Order().ToArray();
            return active.Length == 2 && fresh.All(port => active.Any(a => a.Contains(port + ":", StringComparison.Ordinal) || a.Contains(port + "@", StringComparison.Ordinal)))
                ? view : null;
        });
        output.WriteLine($"active silos: {string.Join(", ", active)}");
    }

    private async Task AssertCameBack(ProcessCluster cluster, string phase, int version, JsonNode plan, string mode, int gear, JsonNode before)
    {
        var status = await AssertMode(cluster, phase, version, mode);
        Assert.True(status["gearIndex"]?.GetValue<int>() == gear, $"After the {phase}, gear {gear} is no longer the one in force: {status}\n{cluster.Describe()}");
        await AssertConfigured(cluster, phase, plan["gears"]!.AsArray(), pinned: gear);
        Assert.Equal(Provision(before), Provision(await Configuration(cluster)));
        await AssertPlanUnchanged(cluster, phase, plan);
        await AssertServes(cluster, phase);
    }

    /// <summary>Waits until GET /gear answers (the new silos serve) and checks the mode and plan version, with no request to set them.</summary>
    private async Task<JsonNode> AssertMode(ProcessCluster cluster, string phase, int version, string mode)
    {
        var status = await Eventually(cluster, phase, $"GET /gear to answer 200 with mode '{mode}'",
            async () => await TryGet(cluster, $"/v1/pipelines/{Pipeline}/gear") is { } s && s["mode"]?.GetValue<string>() == mode ? s : null);
        output.WriteLine($"{phase}: {status.ToJsonString()}");
        Assert.True(status["planVersion"]?.GetValue<int>() == version, $"After the {phase}, the plan in force is not v{version}: {status}\n{cluster.Describe()}");
        return status;
    }

    /// <summary>
    /// The pipeline's stages run the gear in force: <paramref name="pinned"/>, or in automatic mode the one GET /gear
    /// names at that moment (the controller may switch meanwhile). A restarted cluster may take a moment to put it
    /// back (the pipeline grain activates on first use), so this waits for it, then fails with what it saw.
    /// </summary>
    private async Task AssertConfigured(ProcessCluster cluster, string phase, JsonArray gears, int? pinned)
    {
        string? seen = null, expected = null;
        int? gear = pinned;
        try
        {
            await Eventually(cluster, phase, "the stages to run the gear in force", async () =>
            {
                if (pinned is null) gear = (await TryGet(cluster, $"/v1/pipelines/{Pipeline}/gear"))?["gearIndex"]?.GetValue<int>();
                if (gear is null || await TryGet(cluster, $"/v1/pipelines/{Pipeline}") is not { } now) return null;
                (seen, expected) = (Provision(now), Expected(gears[gear.Value]!, now));
                return seen == expected ? now : null;
            });
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"After the {phase} the stages do not run gear {gear?.ToString() ?? "(none in force)"}.\n  expected {expected}\n  running  {seen}\n{e.Message}");
        }
        output.WriteLine($"{phase}: stages run gear {gear} ({(pinned is null ? "auto" : "pinned")}): {seen}");
    }

    private async Task AssertPlanUnchanged(ProcessCluster cluster, string phase, JsonNode plan)
    {
        var now = await Send(cluster, HttpMethod.Get, $"/v1/pipelines/{Pipeline}/plan");
        Assert.True(JsonNode.DeepEquals(plan, now), $"After the {phase} the plan differs from the one made before.\n  before {plan}\n  after  {now}");
    }

    private static async Task AssertServes(ProcessCluster cluster, string phase)
    {
        using var response = await InferJson.Post(cluster.Http, Pipeline, Body28);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"After the {phase}: {(int)response.StatusCode} {text}\n{cluster.Describe()}");
        Assert.True(JsonNode.Parse(text)?["outputs"]?.AsArray().Count > 0, $"After the {phase}, a 200 without outputs: {text}");
    }

    /// <summary>Each stage's thresholds and provision (replicas, max batch, threads per model), as GET /v1/pipelines/{name} shows them.</summary>
    private static string Provision(JsonNode pipeline)
    {
        var text = new StringBuilder();
        foreach (var stage in pipeline["stages"]!.AsArray())
        {
            var configuration = stage!["configuration"]!;
            text.Append($"{stage["name"]}: thresholds {configuration["thresholds"]!.ToJsonString()} models {configuration["models"]!.ToJsonString()}; ");
        }
        return text.ToString();
    }

    /// <summary>What <see cref="Provision"/> shows when <paramref name="gear"/> (a plan's gear, JSON) is in force on the stages of <paramref name="pipeline"/>.</summary>
    private static string Expected(JsonNode gear, JsonNode pipeline)
    {
        var text = new StringBuilder();
        foreach (var stage in pipeline["stages"]!.AsArray())
        {
            var models = stage!["models"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray();
            var thresholds = new JsonObject();
            if (stage["kind"]!.GetValue<string>() == "Cascade")
                foreach (var m in models[..^1]) thresholds[m] = gear["thresholds"]![m]!.DeepClone();
            var provision = new JsonObject();
            foreach (var m in models)
                provision[m] = new JsonObject
                {
                    ["replicas"] = gear["replicas"]![m]!.DeepClone(),
                    ["maxBatch"] = gear["maxBatch"]?[m]?.DeepClone() ?? 1,
                    ["threads"] = gear["threads"]?[m]?.DeepClone() ?? 1,
                };
            text.Append($"{stage["name"]}: thresholds {thresholds.ToJsonString()} models {provision.ToJsonString()}; ");
        }
        return text.ToString();
    }

    /// <summary>Whether a gear provisions exactly like the stages' initial configuration (one replica, max batch 32 each).</summary>
    private static bool LooksInitial(JsonNode gear) =>
        gear["replicas"]!.AsObject().All(r => r.Value!.GetValue<int>() == 1)
        && gear["maxBatch"]!.AsObject().All(b => b.Value!.GetValue<int>() == 32);

    private static async Task<JsonNode> Configuration(ProcessCluster cluster) => await Send(cluster, HttpMethod.Get, $"/v1/pipelines/{Pipeline}");

    private static async Task<JsonNode> Send(ProcessCluster cluster, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : InferJson.Content(json) };
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} {json}: {(int)response.StatusCode} {text}\n{cluster.Describe()}");
        return JsonNode.Parse(text)!;
    }

    private static Task<JsonNode> Eventually(ProcessCluster cluster, string phase, string what, Func<Task<JsonNode?>> check) =>
        ClusterRequests.Eventually(cluster, phase, what, SettleTimeout, check);
}
