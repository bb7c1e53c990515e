using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

public class GearTableTests
{
    private static Gear Gear(int index, double min, double max) => new(index, min, max,
        new() { ["a"] = 0.5 + index * 0.1, ["b"] = 0.9 }, new() { ["t"] = 1, ["a"] = 1 + index, ["b"] = 2, ["c"] = 1 },
        new() { ["t"] = 4, ["a"] = 8, ["b"] = 16, ["c"] = 32 }, 0.9, 10, 4 + index, 4 + index, 9, 1);

    private static GearPlan Plan() => new(1, DateTimeOffset.UnixEpoch, new PlanRequest("p", 30, 0.9, 8),
        [Gear(0, 0, 10), Gear(1, 10, 25), Gear(2, 25, 60)], 60, 1, []);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 0)]
    [InlineData(10.0001, 1)]
    [InlineData(25, 1)]
    [InlineData(59.9, 2)]
    [InlineData(1000, 2)]
    public void Load_maps_to_the_gear_whose_band_holds_it(double load, int expected)
    {
        var table = new GearTable(Plan());
        Assert.Equal(expected, table.GetGear(load).Index);
        Assert.Equal(load > 60, table.IsOverCeiling(load));
    }

    [Fact]
    public void A_gear_becomes_stage_configurations_in_cascade_order()
    {
        var gear = Gear(1, 10, 25);
        var cascade = gear.ToStageConfiguration(new StageDefinition("classify", StageKind.Cascade, ["a", "b", "c"]), version: 7);
        Assert.Equal([0.6, 0.9], cascade.Thresholds, (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.Equal([new ModelProvision("a", 2, 8), new ModelProvision("b", 2, 16), new ModelProvision("c", 1, 32)], cascade.Models);
        Assert.Equal(7, cascade.Version);
        var tiles = gear.ToStageConfiguration(new StageDefinition("tiles", StageKind.TileSplit, ["t"]));
        Assert.Empty(tiles.Thresholds);
        Assert.Equal([new ModelProvision("t", 1, 4)], tiles.Models);
    }
}
