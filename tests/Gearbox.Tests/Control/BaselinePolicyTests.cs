using Gearbox.Contracts.Planning;
using Gearbox.Planning;
using Gearbox.Planning.Baselines;
using Gearbox.Tests.Planning;
using Microsoft.Extensions.Time.Testing;

namespace Gearbox.Tests.Control;

/// <summary>The baselines' policies as pure classes: static for peak, model switching, HPA-like autoscaling.</summary>
public class BaselinePolicyTests
{
    private static readonly PipelineModel Model = SyntheticProfiles.Fashion();

    [Fact]
    public void Static_is_the_most_accurate_cascade_the_budget_holds_at_the_peak_in_one_gear()
    {
        var request = new PlanRequest("synthetic-fashion", 40, 0.6, 6);
        const double peak = 1500;
        var plan = BaselinePlans.Static(Model, request, peak);

        var gear = Assert.Single(plan.Gears);
        Assert.Equal((0, peak), (gear.MinLoad, gear.MaxLoad));
        var planner = new GearPlanner(Model);
        var holding = ParetoFront.Build(Model, request.MinAccuracy)
            .Where(p => planner.Choose(peak, [p], request.SloMs, request.Devices, null) is not null).ToList();
        Assert.NotEmpty(holding);
        Assert.Equal(holding.Max(p => p.Outcome.Accuracy), gear.PredictedAccuracy, 9);
        Assert.True(gear.Devices <= request.Devices);
    }

    [Fact]
    public void Static_refuses_a_peak_the_budget_cannot_hold_with_the_reason()
    {
        var e = Assert.Throws<PlanningImpossibleException>(() => BaselinePlans.Static(Model, new PlanRequest("synthetic-fashion", 40, 0.6, 2), 1e7));
        Assert.Contains("holds", e.Message);
    }

    [Fact]
    public void Switching_serves_one_model_per_gear_trading_accuracy_for_load()
    {
        var plan = BaselinePlans.Switching(Model, new PlanRequest("synthetic-fashion", 40, 0.6, 6, Bands: 8));
        Assert.True(plan.Gears.Length >= 2, $"{plan.Gears.Length} gears");
        foreach (var gear in plan.Gears)
            Assert.Single(gear.Replicas, r => r.Value > 0);
        var accuracies = plan.Gears.Select(g => g.PredictedAccuracy).ToArray();
        Assert.Equal(accuracies.OrderDescending(), accuracies);
        Assert.True(plan.Gears[0].Replicas["syn-large"] > 0, "at low load the most accurate model serves alone");
        Assert.True(plan.Gears[^1].Replicas["syn-large"] == 0, "at the ceiling a cheaper model serves");
        Assert.Equal(plan.Gears.Select(g => g.MaxLoad).Order(), plan.Gears.Select(g => g.MaxLoad));
    }

    [Fact]
    public void Autoscaler_scales_up_at_once_to_the_hpa_ratio_and_ignores_the_tolerance_band()
    {
        var clock = new FakeTimeProvider();
        var scaler = new ReactiveAutoscaler(0.5, TimeSpan.FromSeconds(10), 8, clock);
        Assert.Equal(4, scaler.Decide(Replicas(2), Busy(0.95))["large"]); // ⌈2 × 0.95 / 0.5⌉
        Assert.Equal(4, scaler.Decide(Replicas(4), Busy(0.53))["large"]); // within 10% of the target
        Assert.Equal(8, scaler.Decide(Replicas(4), Busy(1.0))["large"]); // ⌈8⌉, the budget's max
        Assert.Equal(8, new ReactiveAutoscaler(0.5, TimeSpan.Zero, 8, clock).Decide(Replicas(6), Busy(1.0))["large"]); // capped at 8, not 12
    }

    [Fact]
    public void Autoscaler_scales_down_only_to_the_highest_recommendation_of_the_stabilisation_window()
    {
        var clock = new FakeTimeProvider();
        var scaler = new ReactiveAutoscaler(0.5, TimeSpan.FromSeconds(10), 8, clock);
        Assert.Equal(4, scaler.Decide(Replicas(4), Busy(0.5))["large"]);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4, scaler.Decide(Replicas(4), Busy(0.1))["large"]); // wants 1, but 4 was recommended 1 s ago
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, scaler.Decide(Replicas(4), Busy(0.1))["large"]); // the window has only low recommendations now
    }

    [Fact]
    public void The_reactive_gear_serves_the_largest_model_alone_with_dynamic_batching()
    {
        var gear = ReactiveAutoscaler.GearOf(Model, ReactiveAutoscaler.Initial(Model), 1);
        Assert.Equal(new Dictionary<string, int> { ["syn-small"] = 0, ["syn-medium"] = 0, ["syn-large"] = 1 }, gear.Replicas);
        Assert.Equal(ReactiveAutoscaler.MaxBatch, gear.MaxBatch["syn-large"]);
        var grid = SyntheticProfiles.Grid();
        Assert.Equal(["syn-large", "syn-tiles"], ReactiveAutoscaler.Initial(grid).Keys.Order());
    }

    private static Dictionary<string, int> Replicas(int n) => new() { ["large"] = n };

    private static Dictionary<string, double> Busy(double share) => new() { ["large"] = share };
}
