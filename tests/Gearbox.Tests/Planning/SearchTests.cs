using Gearbox.Contracts.Planning;
using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

public class SearchTests
{
    private static readonly PlannerOptions NoSimulation = new(CheckWithSimulator: false);

    public static TheoryData<string, double, double, int> SmallInstances() => new()
    {
        { "fashion", 12, 0.70, 5 },
        { "fashion", 6, 0.60, 4 },
        { "fashion", 25, 0.80, 6 },
        { "grid", 15, 0.70, 5 },
        { "grid", 30, 0.78, 6 },
        // Tight SLOs, where the p99 path (not only stability) decides the device count.
        { "fashion", 4, 0.60, 5 },
        { "fashion", 7, 0.75, 6 },
        { "grid", 5, 0.70, 5 },
        { "grid", 8, 0.78, 6 },
    };

    private static PipelineModel Small(string kind) =>
        kind == "grid" ? SyntheticProfiles.Grid(candidates: 5, items: 300) : SyntheticProfiles.Fashion(candidates: 5, items: 300, maxBatch: 4);

    [Theory]
    [MemberData(nameof(SmallInstances))]
    public void The_search_finds_the_brute_force_cost_at_every_load(string kind, double sloMs, double minAccuracy, int devices)
    {
        var model = Small(kind);
        var planner = new GearPlanner(model, NoSimulation);
        var front = ParetoFront.Build(model, minAccuracy);
        var compared = 0;
        foreach (var load in new[] { 1.0, 50, 200, 500, 1000, 2000, 4000, 8000 })
        {
            var searched = planner.Choose(load, front, sloMs, devices, null)?.Provision.Devices;
            var exact = BruteForcePlanner.MinDevices(model, load, sloMs, minAccuracy, devices);
            Assert.True(exact == searched, $"load {load}: search {searched?.ToString() ?? "none"}, brute force {exact?.ToString() ?? "none"}");
            if (exact is not null) compared++;
        }
        Assert.True(compared >= 2, "the instance should be feasible at a few loads at least");
    }

    [Theory]
    [MemberData(nameof(SmallInstances))]
    public void The_ceiling_is_where_brute_force_stops_finding_a_configuration(string kind, double sloMs, double minAccuracy, int devices)
    {
        var model = Small(kind);
        var plan = new GearPlanner(model, NoSimulation).Plan(new PlanRequest(kind, sloMs, minAccuracy, devices, Bands: 4));
        Assert.NotNull(BruteForcePlanner.MinDevices(model, plan.Ceiling, sloMs, minAccuracy, devices));
        Assert.Null(BruteForcePlanner.MinDevices(model, plan.Ceiling * 1.01, sloMs, minAccuracy, devices));
        foreach (var gear in plan.Gears)
            Assert.Equal(BruteForcePlanner.MinDevices(model, gear.MaxLoad, sloMs, minAccuracy, devices), gear.Devices);
    }

    [Fact]
    public void Bands_are_contiguous_and_cost_never_falls_as_load_rises()
    {
        var model = SyntheticProfiles.Fashion();
        var plan = new GearPlanner(model).Plan(new PlanRequest("synthetic", 20, 0.75, 10, CostPerDevice: 2.5));
        Assert.True(plan.Gears.Length >= 6);
        for (var i = 0; i < plan.Gears.Length; i++)
        {
            var gear = plan.Gears[i];
            Assert.Equal(i, gear.Index);
            Assert.Equal(i == 0 ? 0 : plan.Gears[i - 1].MaxLoad, gear.MinLoad);
            Assert.True(gear.MaxLoad > gear.MinLoad);
            Assert.True(gear.PredictedAccuracy >= 0.75);
            Assert.True(gear.PredictedP99Ms <= 20);
            Assert.Equal(gear.Devices * 2.5, gear.Cost, 9);
            Assert.Equal(gear.Devices, gear.Replicas.Values.Sum());
            if (i > 0) Assert.True(gear.Cost >= plan.Gears[i - 1].Cost, $"gear {i} costs less than gear {i - 1}");
        }
        Assert.Equal(plan.Ceiling, plan.Gears[^1].MaxLoad, 9);
    }

    [Fact]
    public void Neighbouring_gears_change_few_workers()
    {
        var model = SyntheticProfiles.Fashion();
        var plan = new GearPlanner(model, NoSimulation).Plan(new PlanRequest("synthetic", 20, 0.75, 16, Bands: 20));
        for (var i = 1; i < plan.Gears.Length; i++)
        {
            var (a, b) = (plan.Gears[i - 1], plan.Gears[i]);
            var changes = a.Replicas.Keys.Sum(m => Math.Abs(a.Replicas[m] - b.Replicas[m]));
            // Adding d devices needs d changes; allow one more move beyond that, never a reshuffle.
            Assert.True(changes <= b.Devices - a.Devices + 2, $"gear {i - 1}→{i}: {changes} workers change for {b.Devices - a.Devices} more devices");
        }
    }

    [Fact]
    public void A_max_load_above_the_ceiling_is_reported_and_the_top_gear_sits_at_the_ceiling()
    {
        var model = SyntheticProfiles.Fashion();
        var plan = new GearPlanner(model, NoSimulation).Plan(new PlanRequest("synthetic", 20, 0.75, 4, MaxLoad: 1e6));
        Assert.Equal(plan.Ceiling, plan.Gears[^1].MaxLoad, 9);
        Assert.Contains(plan.Notes, n => n.Contains("cannot be held") && n.Contains("ceiling"));
    }

    [Fact]
    public void An_accuracy_floor_above_the_best_model_is_refused_with_the_best_reachable()
    {
        var model = SyntheticProfiles.Fashion();
        var error = Assert.Throws<PlanningImpossibleException>(() => new GearPlanner(model).Plan(new PlanRequest("synthetic", 50, 0.999, 8)));
        Assert.Contains("above the best", error.Message);
        Assert.Contains("syn-large", error.Message);
    }

    [Fact]
    public void An_SLO_shorter_than_any_model_is_refused_with_the_fastest_p99()
    {
        var model = SyntheticProfiles.Fashion();
        var error = Assert.Throws<PlanningImpossibleException>(() => new GearPlanner(model).Plan(new PlanRequest("synthetic", 0.2, 0.5, 8)));
        Assert.Contains("cannot be met even at the lowest load", error.Message);
    }

    [Fact]
    public void A_budget_smaller_than_the_models_needed_is_refused()
    {
        var model = SyntheticProfiles.Fashion();
        var best = ParetoFront.MostAccurate(model).Accuracy;
        var error = Assert.Throws<PlanningImpossibleException>(() => new GearPlanner(model).Plan(new PlanRequest("synthetic", 50, best, 1)));
        Assert.Contains("too small", error.Message);
    }

    [Fact]
    public void Bad_inputs_are_refused_before_planning()
    {
        var error = Assert.Throws<PlanningImpossibleException>(() => new GearPlanner(SyntheticProfiles.Fashion()).Plan(new PlanRequest("synthetic", -1, 0.5, 8)));
        Assert.Contains("SLO must be positive", error.Message);
    }

    [Fact]
    public void Every_front_point_meets_the_floor_and_none_dominates_another()
    {
        var model = SyntheticProfiles.Fashion();
        var front = ParetoFront.Build(model, 0.7);
        Assert.NotEmpty(front);
        Assert.All(front, p => Assert.True(p.Outcome.Accuracy >= 0.7));
        foreach (var a in front)
            foreach (var b in front)
            {
                var same = a.Outcome.Accuracy == b.Outcome.Accuracy && a.Outcome.Reach.SequenceEqual(b.Outcome.Reach);
                if (!ReferenceEquals(a, b)) Assert.False(same || ParetoFront.Dominates(a.Outcome, b.Outcome), "a front point is dominated");
            }
    }
}
