using Gearbox.Contracts.Planning;
using Gearbox.Planning;
using Gearbox.Planning.Control;
using Gearbox.Tests.Planning;

namespace Gearbox.Tests.Control;

/// <summary>Downstream provisioning from the entrance rate: fan-out × reach, in the same step as the entrance.</summary>
public class DownstreamLoadTests
{
    private static Gear GearOf(PipelineModel model, double[] thresholds, int[] replicas) => new(0, 0, 100,
        GearMapping.Thresholds(model, thresholds), GearMapping.PerUnit(model, replicas), GearMapping.PerUnit(model, replicas.Select(_ => 8).ToArray()),
        0.9, 1, 1, replicas.Sum(), 1, 1);

    [Fact]
    public void Grid_models_see_the_entrance_rate_times_fan_out_times_reach()
    {
        var model = SyntheticProfiles.Grid();
        var thresholds = new[] { 0.8 };
        var items = DownstreamLoad.ItemsPerRequest(model, GearOf(model, thresholds, [1, 1, 1]));
        var reach = model.Estimator.Evaluate(thresholds).Reach;

        Assert.Equal(1, items["syn-tiles"]);
        Assert.Equal(2.2 * reach[0], items["syn-medium"], 9); // every occupied tile reaches the first classifier
        Assert.Equal(2.2 * reach[1], items["syn-large"], 9);
        Assert.True(items["syn-large"] < items["syn-medium"]);

        // The entrance estimate jumps ×4: each model's expected load jumps ×4 in the same step.
        var (before, after) = (50.0, 200.0);
        foreach (var (unit, perRequest) in items)
            Assert.Equal(4 * before * perRequest, after * perRequest, 9);
    }

    [Fact]
    public void A_model_without_replicas_in_the_gear_is_expected_to_see_nothing()
    {
        var model = SyntheticProfiles.Fashion();
        var items = DownstreamLoad.ItemsPerRequest(model, GearOf(model, [0.7, CascadeEstimator.ForwardAll], [1, 0, 1]));
        Assert.Equal(1, items["syn-small"]);
        Assert.Equal(0, items["syn-medium"]);
        Assert.True(items["syn-large"] is > 0 and < 1);
    }
}
