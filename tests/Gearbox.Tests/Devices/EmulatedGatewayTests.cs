using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Tests.Http;
using Gearbox.Tests.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Tests.Devices;

/// <summary>
/// The real gateway and its embedded silo with two emulated V100s slowed down ×20 (--emulate-devices 2):
/// batches complete no sooner than the emulated latency, a device runs one batch at a time, GET /v1/cluster
/// labels the devices emulated, and the planner plans with the emulated latency tables.
/// </summary>
public sealed class EmulatedGatewayTests : IAsyncLifetime
{
    private const double Slowdown = 20;
    private WebApplication? _app;
    private HttpClient _http = null!;

    public async Task InitializeAsync() =>
        // No warm-up: the declared pipelines' workers would take emulated devices, and the test needs to know which worker has which.
        (_app, _http) = await GatewayServer.StartAsync("--emulate-devices", "2", "--Gearbox:Devices:EmulatedProfile", "v100-bert", "--Gearbox:Gateway:WarmUp", "false",
            "--Gearbox:Devices:Slowdown", Slowdown.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task DisposeAsync() => await GatewayServer.StopAsync(_app, _http);

    private IGrainFactory Grains => _app!.Services.GetRequiredService<IGrainFactory>();

    /// <summary>One FP32 image (the FP32 path through a worker).</summary>
    private static ImageBatch Item() => ImageBatch.Fp32(Enumerable.Range(0, 28 * 28).Select(i => (i % 7) / 7f).ToArray(), 28 * 28);

    [Fact]
    public async Task A_batch_takes_at_least_the_emulated_latency_and_one_device_runs_one_batch_at_a_time()
    {
        // Three mlp workers on two devices: the first and third share device 0.
        var workers = Enumerable.Range(0, 3).Select(r => Grains.GetGrain<IWorkerGrain>($"emutest/classify/mlp/{r}")).ToArray();
        foreach (var w in workers) await w.Configure(new WorkerSettings("mlp", 8, 1, "cpu"));
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        var emulatedMs = 1.6 * Slowdown; // V100 bert-tiny, batch 1

        var clock = Stopwatch.StartNew();
        var single = await workers[1].Infer(Item(), deadline);
        Assert.True(clock.Elapsed.TotalMilliseconds >= emulatedMs, $"a batch of one answered in {clock.Elapsed.TotalMilliseconds:0.#} ms, under the emulated {emulatedMs} ms");
        Assert.Equal(ItemStatus.Ok, single[0].Status); // the real model answered
        Assert.InRange(single[0].Label, 0, 9);

        // Three batches at once on two devices: whichever devices the workers got, one device runs two of them,
        // one after the other, so the three answers take at least two batches' time.
        clock.Restart();
        var both = await Task.WhenAll(workers.Select(w => w.Infer(Item(), deadline)));
        Assert.True(clock.Elapsed.TotalMilliseconds >= 2 * emulatedMs,
            $"three batches on two emulated devices finished in {clock.Elapsed.TotalMilliseconds:0.#} ms: two overlapped on one device (each takes {emulatedMs} ms)");
        Assert.All(both, b => Assert.Equal(ItemStatus.Ok, b[0].Status));
        var stats = await workers[0].GetStats();
        Assert.True(stats.BusyMs >= emulatedMs, $"the worker's busy time {stats.BusyMs} ms is the device's, at least {emulatedMs} ms");
    }

    [Fact]
    public async Task The_cluster_endpoint_labels_the_devices_emulated_and_lists_the_workers()
    {
        await Grains.GetGrain<IWorkerGrain>("emutest/classify/cnn-small/0").Configure(new WorkerSettings("cnn-small", 8, 1, "cpu"));
        using var cluster = JsonDocument.Parse(await _http.GetStringAsync("/v1/cluster"));
        var root = cluster.RootElement;
        Assert.StartsWith("emulated:v100-bert", root.GetProperty("servingKind").GetString());
        Assert.Equal(2, root.GetProperty("deviceBudget").GetInt32());
        var silo = Assert.Single(root.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        var emulated = Assert.Single(silo.GetProperty("devices").EnumerateArray(), d => d.GetProperty("kind").GetString() == "emulated");
        Assert.True(emulated.GetProperty("emulated").GetBoolean());
        Assert.Equal(2, emulated.GetProperty("count").GetInt32());
        Assert.Equal("v100-bert", emulated.GetProperty("profile").GetString());
        Assert.Equal(Slowdown, emulated.GetProperty("slowdown").GetDouble());
        Assert.Contains(silo.GetProperty("devices").EnumerateArray(), d => d.GetProperty("kind").GetString() == "cpu" && !d.GetProperty("emulated").GetBoolean());
        Assert.Contains("emutest/classify/cnn-small/0", silo.GetProperty("workers").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task The_plan_is_made_with_the_emulated_latency_and_says_so()
    {
        var floor = Math.Round(ServingModels.Instance.Profiles.Load("cnn-large").Accuracy - 0.02, 3);
        var plan = await Grains.GetGrain<IGearPlannerGrain>("fashion").Replan(new PlanRequest("fashion", 2000, floor, Devices: 4, MaxLoad: 50, Bands: 3));
        Assert.Contains(plan.Notes, n => n.Contains("EMULATED"));
        // Every request passes the mlp, 1.6 ms ×20 on the emulated device; on this machine's CPU it is well under 1 ms.
        Assert.All(plan.Gears, g => Assert.True(g.PredictedP99Ms >= 1.6 * Slowdown, $"gear {g.Index} predicts p99 {g.PredictedP99Ms:0.#} ms, under the emulated mlp's {1.6 * Slowdown} ms"));
        var gear = await _http.GetFromJsonAsync<JsonElement>("/v1/pipelines/fashion/gear");
        Assert.StartsWith("emulated:v100-bert", gear.GetProperty("deviceKind").GetString());
    }
}
