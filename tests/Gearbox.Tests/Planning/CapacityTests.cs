using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Profiles;
using Gearbox.Contracts.Serving;
using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

/// <summary>The capacity model: the serving path's CPU and latency on the same cores, replicas × threads, merged gears.</summary>
public class CapacityTests
{
    private static readonly PlannerOptions NoSimulation = new(CheckWithSimulator: false);

    /// <summary>One model whose batch costs perItemMs × b: busy cores are items/s × perItemMs / 1000 at any batch size.</summary>
    private static PipelineModel Linear(double perItemMs, ServingCost? serving, int maxBatch = 8) =>
        new("linear", null, [SyntheticProfiles.Classifier("lin", 200, 0.8, 0, perItemMs, seed: 4, maxBatch)], serving: serving);

    [Theory]
    [InlineData(0.5, 0.25, 2)]
    [InlineData(0.2, 0.3, 4)]
    public void The_serving_path_lowers_the_ceiling_by_its_share_of_the_CPU(double perItemMs, double servingMs, int devices)
    {
        var request = new PlanRequest("linear", 1000, 0, devices, Bands: 3);
        var engineOnly = new GearPlanner(Linear(perItemMs, null), NoSimulation).Plan(request).Ceiling;
        var served = new GearPlanner(Linear(perItemMs, SyntheticProfiles.Serving(servingMs)), NoSimulation).Plan(request).Ceiling;

        // Engine only: each of the replicas keeps up to 90% busy, λ·perItem ≤ 0.9·devices·1000.
        Assert.Equal(0.9 * devices * 1000 / perItemMs, engineOnly, engineOnly * 0.002);
        // With the serving path on the same cores: λ·(perItem + serving) ≤ 0.9·devices·1000.
        Assert.Equal(0.9 * devices * 1000 / (perItemMs + servingMs), served, served * 0.002);
    }

    [Fact]
    public void The_per_item_term_counts_every_item_routed_to_a_worker()
    {
        var cascade = SyntheticProfiles.Cascade().Select(p => p with { Latency = SyntheticProfiles.Latency(0, 0.1, 8) }).ToArray();
        var model = new PipelineModel("c", null, cascade, serving: SyntheticProfiles.Serving(0.2, 0.1));
        var outcome = model.Estimator.EvaluateGrid(new int[cascade.Length - 1]); // thresholds 0: the first model answers all
        var rates = model.UnitRates(1000, outcome);
        Assert.Equal((0.2 * 1000 + 0.1 * 1000) / 1000, model.ServingCores(1000, rates), 9);
        var forwardAll = model.Estimator.Evaluate([CascadeEstimator.ForwardAll, CascadeEstimator.ForwardAll]);
        Assert.Equal((0.2 * 1000 + 0.1 * 3000) / 1000, model.ServingCores(1000, model.UnitRates(1000, forwardAll)), 9);
    }

    [Fact]
    public void Every_gear_keeps_replicas_and_serving_path_within_the_cap_of_its_devices()
    {
        var serving = SyntheticProfiles.Serving(0.3, 0.05, addedMs: 1.5);
        var model = new PipelineModel("s", null, SyntheticProfiles.Cascade(), serving: serving);
        var plan = new GearPlanner(model, NoSimulation).Plan(new PlanRequest("s", 20, 0.75, 8));
        foreach (var gear in plan.Gears)
        {
            var point = model.Estimator.Evaluate(model.Estimator.Models[..^1].Select(m => gear.Thresholds[m]).ToArray());
            var rates = model.UnitRates(gear.MaxLoad, point);
            var busy = model.ServingCores(gear.MaxLoad, rates);
            for (var u = 0; u < model.Units.Length; u++)
                busy += QueueingEstimate.BusyCores(model.ServiceAt(u, 1), rates[u], gear.Replicas[model.Units[u]], 1, gear.MaxBatch[model.Units[u]]);
            Assert.Equal(busy, gear.CpuCores!.Value, 6);
            Assert.True(busy <= QueueingEstimate.MaxUtilisation * gear.Devices + 1e-9, $"gear {gear.Index}: {busy:0.###} cores busy on {gear.Devices} devices");
            Assert.True(gear.Devices >= gear.Replicas.Sum(r => r.Value * gear.ThreadsOf(r.Key)));
            Assert.True(gear.PredictedP99Ms >= 1.5 && gear.PredictedP99Ms <= 20, "the serving path's added latency is on the p99 path");
        }
    }

    [Fact]
    public void A_gear_whose_serving_path_needs_more_cores_than_its_replicas_counts_them()
    {
        // One cheap model, an expensive serving path: one replica keeps up, the CPU needs more cores.
        var model = Linear(0.05, SyntheticProfiles.Serving(1.0));
        var plan = new GearPlanner(model, NoSimulation).Plan(new PlanRequest("linear", 1000, 0, 4, Bands: 3));
        var top = plan.Gears[^1];
        Assert.True(top.Devices > top.Replicas["lin"], $"top gear: {top.Replicas["lin"]} replicas, {top.Devices} devices");
        Assert.Equal(0.9 * 4 * 1000 / 1.05, plan.Ceiling, plan.Ceiling * 0.002);
    }

    [Fact]
    public void The_added_latency_comes_off_the_SLO()
    {
        var fast = Linear(0.1, SyntheticProfiles.Serving(0.1, addedMs: 5));
        var error = Assert.Throws<PlanningImpossibleException>(() => new GearPlanner(fast, NoSimulation).Plan(new PlanRequest("linear", 4, 0, 2)));
        Assert.Contains("cannot be met", error.Message);
        var plan = new GearPlanner(fast, NoSimulation).Plan(new PlanRequest("linear", 8, 0, 2));
        Assert.All(plan.Gears, g => Assert.InRange(g.PredictedP99Ms, 5, 8));
    }

    [Fact]
    public void Two_threads_are_chosen_when_one_cannot_meet_the_SLO_and_never_when_they_do_not_help()
    {
        // l(b, 1) = 6 + 0.5·b ms; the SLO of 8 ms cannot be met by one thread beyond batch 1 at any load that queues.
        var slow = SyntheticProfiles.Classifier("big", 200, 0.8, 6, 0.5, seed: 5);
        var helps = new PipelineModel("t", null, [SyntheticProfiles.WithThreads(slow, 2, 1.9)]);
        var plan = new GearPlanner(helps, NoSimulation).Plan(new PlanRequest("t", 8, 0, 4, MaxLoad: 150, Bands: 2));
        Assert.Contains(plan.Gears, g => g.ThreadsOf("big") == 2);
        Assert.All(plan.Gears, g => Assert.Equal(g.Devices, g.Replicas["big"] * g.ThreadsOf("big")));

        var useless = new PipelineModel("t", null, [SyntheticProfiles.WithThreads(slow, 2, 1.0)]);
        var plain = new GearPlanner(useless, NoSimulation).Plan(new PlanRequest("t", 30, 0, 4, Bands: 4));
        Assert.All(plain.Gears, g => Assert.Equal(1, g.ThreadsOf("big")));
    }

    [Fact]
    public void Threads_per_replica_reach_the_stage_configuration()
    {
        var slow = SyntheticProfiles.Classifier("big", 200, 0.8, 6, 0.5, seed: 5);
        var model = new PipelineModel("t", null, [SyntheticProfiles.WithThreads(slow, 2, 1.9)]);
        var gear = new GearPlanner(model, NoSimulation).Plan(new PlanRequest("t", 8, 0, 4, MaxLoad: 150, Bands: 2)).Gears[^1];
        var configuration = gear.ToStageConfiguration(new StageDefinition("classify", StageKind.Cascade, ["big"]));
        Assert.Equal(gear.ThreadsOf("big"), configuration.Models[0].Threads);
        Assert.Equal(2, configuration.Models[0].Threads);
    }

    public static TheoryData<double, double, int> ThreadedInstances() => new()
    {
        { 12, 0.60, 4 },
        { 6, 0.60, 4 },
        { 25, 0.75, 5 },
    };

    [Theory]
    [MemberData(nameof(ThreadedInstances))]
    public void With_threads_and_a_serving_path_the_search_finds_the_brute_force_cost(double sloMs, double minAccuracy, int devices)
    {
        var cascade = SyntheticProfiles.Cascade(items: 300, maxBatch: 4);
        cascade[2] = SyntheticProfiles.WithThreads(cascade[2], 2, 1.7);
        cascade[1] = SyntheticProfiles.WithThreads(cascade[1], 2, 1.2);
        var model = new PipelineModel("threaded", null, cascade, thresholdCandidates: 5, serving: SyntheticProfiles.Serving(0.3, 0.1, addedMs: 1));
        var planner = new GearPlanner(model, NoSimulation);
        var front = ParetoFront.Build(model, minAccuracy);
        var compared = 0;
        foreach (var load in new[] { 1.0, 100, 400, 1000, 2000, 3000 })
        {
            var searched = planner.Choose(load, front, sloMs, devices, null)?.Provision.Devices;
            var exact = BruteForcePlanner.MinDevices(model, load, sloMs, minAccuracy, devices);
            Assert.True(exact == searched, $"load {load}: search {searched?.ToString() ?? "none"}, brute force {exact?.ToString() ?? "none"}");
            if (exact is not null) compared++;
        }
        Assert.True(compared >= 2);
    }

    [Fact]
    public void Identical_neighbouring_gears_are_merged_into_one_band()
    {
        // One model with plenty of devices: low bands all run one replica at the same batch.
        var model = Linear(0.5, SyntheticProfiles.Serving(0.1));
        var plan = new GearPlanner(model, NoSimulation).Plan(new PlanRequest("linear", 1000, 0, 4, Bands: 12));
        Assert.True(plan.Gears.Length < 12);
        Assert.Contains(plan.Notes, n => n.Contains("merged"));
        for (var i = 0; i < plan.Gears.Length; i++)
        {
            Assert.Equal(i, plan.Gears[i].Index);
            Assert.Equal(i == 0 ? 0 : plan.Gears[i - 1].MaxLoad, plan.Gears[i].MinLoad);
            if (i > 0) Assert.False(GearPlanner.SameConfiguration(plan.Gears[i - 1], plan.Gears[i]), $"gears {i - 1} and {i} are the same configuration");
        }
        Assert.Equal(plan.Ceiling, plan.Gears[^1].MaxLoad, 9);
    }

    [Fact]
    public void Merging_keeps_the_top_gears_predictions_and_spans_the_run()
    {
        Gear G(int i, double min, double max, int replicas, int threads = 1) => new(i, min, max, new() { ["a"] = 0.5 }, new() { ["a"] = replicas, ["b"] = 1 },
            new() { ["a"] = 8, ["b"] = 8 }, 0.9, max / 10, replicas, replicas, 1, 1, new() { ["a"] = threads, ["b"] = 1 }, max / 100);
        var merged = GearPlanner.MergeIdentical([G(0, 0, 10, 1), G(1, 10, 20, 1), G(2, 20, 40, 2), G(3, 40, 80, 2, threads: 2), G(4, 80, 160, 2, threads: 2)]);
        Assert.Equal(3, merged.Count);
        Assert.Equal([(0.0, 20.0), (20.0, 40.0), (40.0, 160.0)], merged.Select(g => (g.MinLoad, g.MaxLoad)));
        Assert.Equal([0, 1, 2], merged.Select(g => g.Index));
        Assert.Equal(2.0, merged[0].PredictedP99Ms);
        Assert.Equal(1.6, merged[2].CpuCores);
    }

    [Fact]
    public void Without_a_measured_serving_cost_the_plan_says_its_capacity_is_engine_only()
    {
        var plan = new GearPlanner(SyntheticProfiles.Fashion(), NoSimulation).Plan(new PlanRequest("s", 20, 0.75, 4, Bands: 3));
        Assert.Contains(plan.Notes, n => n.Contains("ENGINE-ONLY CAPACITY") && n.Contains("./gearbox profile"));
        var measured = new PipelineModel("s", null, SyntheticProfiles.Cascade(), thresholdCandidates: 9, serving: SyntheticProfiles.Serving(0.2));
        var counted = new GearPlanner(measured, NoSimulation).Plan(new PlanRequest("s", 20, 0.75, 4, Bands: 3));
        Assert.DoesNotContain(counted.Notes, n => n.Contains("ENGINE-ONLY"));
        Assert.Contains(counted.Notes, n => n.Contains("Serving path counted"));
    }

    [Fact]
    public void A_profile_at_two_thread_counts_makes_the_Sponge_fit_identifiable()
    {
        var truth = new SpongeLatencyModel(0.4, 0.02, 0.8, 0.1, true);
        int[] batches = [1, 2, 4, 8, 16, 32];
        LatencyPoint[] At(int c) => batches.Select(b => new LatencyPoint(b, truth.Ms(b, c), truth.Ms(b, c), 5)).ToArray();
        var one = new ModelProfile("m", "cpu", 1, DateTimeOffset.UnixEpoch, "h", At(1), [0.5f], [true], null);
        Assert.False(SpongeLatencyModel.Fit(one).Identifiable);

        var two = one with { LatencyAtThreads = [new ThreadLatency(2, At(2))] };
        var fit = SpongeLatencyModel.Fit(two);
        Assert.True(fit.Identifiable);
        Assert.Equal(0.4, fit.Gamma, 6);
        Assert.Equal(0.02, fit.Delta, 6);
        Assert.Equal(0.8, fit.Epsilon, 6);
        Assert.Equal(0.1, fit.Eta, 6);
        Assert.Equal([1, 2], two.ThreadCounts());
        Assert.Equal(truth.Ms(4, 2), two.LatencyMs(4, 2), 9);
    }
}

public class ProfileThreadOptionTests
{
    [Fact]
    public void Profile_threads_default_to_one_and_two_and_are_checked()
    {
        var cores = Environment.ProcessorCount;
        Assert.Equal(cores >= 2 ? [1, 2] : new[] { 1 }, Gearbox.Cli.Commands.ProfileCommand.ThreadCounts(null));
        Assert.Equal([1], Gearbox.Cli.Commands.ProfileCommand.ThreadCounts("1"));
        Assert.Throws<Gearbox.Cli.UsageException>(() => Gearbox.Cli.Commands.ProfileCommand.ThreadCounts($"1,{cores + 1}"));
        Assert.Throws<Gearbox.Cli.UsageException>(() => Gearbox.Cli.Commands.ProfileCommand.ThreadCounts("1,1"));
    }
}
