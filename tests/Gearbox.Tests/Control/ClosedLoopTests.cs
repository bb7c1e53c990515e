using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Planning;
using Gearbox.Models;
using Gearbox.Planning.Control;
using Gearbox.Profiling;
using Gearbox.Serving;
using Gearbox.Storage;
using Gearbox.Tests.Planning;
using Gearbox.Tests.Serving;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Gearbox.Tests.Control;

/// <summary>Runs alone: it checks a switch lands within a second of a load step, which other tests' CPU would blur.</summary>
[CollectionDefinition("closed-loop", DisableParallelization = true)]
public sealed class ClosedLoopCollection;

/// <summary>
/// The whole online loop on a real in-process cluster: the monitor sees the load the pipeline grain
/// counts, the planner's controller switches up within a second of a ×4 step and back down after the
/// hold, and every request is answered.
/// </summary>
[Collection("closed-loop")]
public class ClosedLoopTests : IAsyncLifetime
{
    private static readonly GearControlOptions Control = new();
    private InProcessTestCluster _cluster = null!;

    /// <summary>
    /// Latency tables (fixed ms + ms per item) that stand in for the quickly trained models' measured ones,
    /// as on a slow device: the planner then needs more replicas at tens to hundreds of requests per
    /// second, so the plan has distinct gears at loads this test can offer (on measured CPU profiles every
    /// gear up to thousands of req/s is one configuration). Fixed, so the plan does not depend on a noisy
    /// three-repetition profile. Confidences stay the models' own; serving runs the real engines.
    /// </summary>
    private static readonly Dictionary<string, (double FixedMs, double PerItemMs)> SlowDevice = new()
    {
        ["mlp"] = (1, 5), ["cnn-small"] = (2, 10), ["cnn-large"] = (5, 30), ["grid-tiles"] = (2, 5),
    };

    public async Task InitializeAsync()
    {
        var source = ServingModels.Instance.Paths;
        var paths = new GearboxPaths(Foundation.SyntheticData.TempDirectory());
        Directory.CreateDirectory(paths.ModelsDirectory);
        foreach (var file in Directory.GetFiles(source.ModelsDirectory)) File.Copy(file, Path.Combine(paths.ModelsDirectory, Path.GetFileName(file)));
        var (measured, slowed) = (new ProfileFile(source.ProfilesDirectory), new ProfileFile(paths.ProfilesDirectory));
        foreach (var model in ModelZoo.All.Select(m => m.Name))
        {
            var (fixedMs, perItemMs) = SlowDevice[model];
            slowed.Save(measured.Load(model) with { Latency = SyntheticProfiles.Latency(fixedMs, perItemMs, maxBatch: 128), LatencyAtThreads = null });
        }
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGearboxServing(paths, PipelineCatalog.Load(), Control);
            silo.AddGearboxStorage(new ConfigurationBuilder().Build()); // in-memory store
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Load_step_up_switches_up_within_a_second_and_back_down_after_the_hold_with_no_request_lost()
    {
        var client = _cluster.Client;
        var planner = client.GetGrain<IGearPlannerGrain>("fashion");
        var floor = Math.Round(ServingModels.Instance.Profiles.Load("cnn-large").Accuracy - 0.02, 3);
        var plan = await planner.Replan(new PlanRequest("fashion", 1000, floor, Devices: 8, MaxLoad: 400, Bands: 6, BandFactor: 2));
        Assert.True(plan.Gears.Length >= 2, $"the plan needs two gears for this test: " +
            string.Join("; ", plan.Gears.Select(g => $"≤{g.MaxLoad:0.#}: {string.Join("/", g.Replicas.Values)} x {string.Join("/", g.MaxBatch.Values)}")) + " " + string.Join(" ", plan.Notes));
        var table = new GearTable(plan);
        var low = Math.Max(20, 0.4 * table[0].MaxLoad); // ×4 lands past gear 0's edge, not on it
        var high = 4 * low;
        Assert.True(table.IndexFor(high) > table.IndexFor(low), $"{low} and {high} req/s fall in one band");

        await planner.ResumeAuto();
        await WaitFor(async () => (await planner.GetStatus()).GearIndex == table.IndexFor(0), TimeSpan.FromSeconds(10));

        var pipeline = client.GetGrain<IPipelineGrain>("fashion");
        var test = ServingModels.Instance.Data.Test;
        var sent = new List<Task<PipelineItem[]>>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task Send(double rate, double seconds)
        {
            var start = clock.Elapsed.TotalSeconds;
            for (var i = 0; i < (int)(rate * seconds); i++)
            {
                var due = TimeSpan.FromSeconds(start + i / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
                sent.Add(pipeline.Infer(TestBatches.Of(test, sent.Count % 1000), UnixClock.NowMs + 10_000));
            }
        }

        await Send(low, 3);
        var stepUp = DateTimeOffset.UtcNow;
        await Send(high, 3);
        var stepDown = DateTimeOffset.UtcNow;
        await Send(low, Control.HoldSeconds + 4);
        var answers = await Task.WhenAll(sent);

        var history = await planner.GetHistory();
        var log = string.Join("; ", history.Select(s => $"{s.At:HH:mm:ss.fff} {s.From}→{s.To} at {s.Load:0.#}: {s.Reason}"));
        // A second after the step the gear in force holds the new load (it may have got there early on a noisy window).
        var up = history.LastOrDefault(s => s.At <= stepUp.AddSeconds(1));
        Assert.True(up is not null && up.To >= table.IndexFor(high), $"not in a gear for {high} req/s a second after the step at {stepUp:HH:mm:ss.fff}: {log}");
        var last = history[^1];
        Assert.True(last.At > stepDown && last.To == table.IndexFor(low), $"not back in gear {table.IndexFor(low)} after the load fell at {stepDown:HH:mm:ss.fff}: {log}");
        // The hold may start before the fall (once the top gear is no longer needed), but it lasts the full hold.
        var before = history[^2];
        Assert.True(last.At - before.At >= TimeSpan.FromSeconds(Control.HoldSeconds), $"switched down {(last.At - before.At).TotalSeconds:0.00} s after the previous switch, within the {Control.HoldSeconds} s hold: {log}");
        Assert.DoesNotContain(history, s => s.At > up.At && s.At < stepDown && s.To < up.To); // no flapping under the steady high load

        Assert.All(answers, a => Assert.Equal(ItemStatus.Ok, Assert.Single(a).Status));
        // The monitor counted every request (the last windows arrive on the next timer ticks).
        var monitor = client.GetGrain<Gearbox.Contracts.Monitoring.IMonitorGrain>("fashion");
        await WaitFor(async () => (await monitor.GetLoad(0)).Windows.Sum(w => w.Arrivals) == sent.Count, TimeSpan.FromSeconds(5));
    }

    private static async Task WaitFor(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"condition not met within {timeout.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
