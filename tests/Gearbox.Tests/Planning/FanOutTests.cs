using Gearbox.Planning;
using Gearbox.Planning.Simulation;

namespace Gearbox.Tests.Planning;

public class FanOutTests
{
    [Fact]
    public void Cascade_load_is_request_rate_times_mean_fan_out_times_reach()
    {
        var model = SyntheticProfiles.Grid();
        Assert.Equal(2.2, model.FanOut.Mean, 12); // [0,1,2,2,3,4,4,1,2,3]
        var outcome = model.Estimator.Evaluate([0.8]);
        var rates = model.UnitRates(100, outcome);
        Assert.Equal(100, rates[0]);
        Assert.Equal(100 * 2.2, rates[1], 9);
        Assert.Equal(100 * 2.2 * outcome.Reach[1], rates[2], 9);
    }

    [Fact]
    public void Request_tail_is_the_chance_that_any_tile_goes_deep()
    {
        var fanOut = new FanOutDistribution([0, 2]);
        // Half the requests have no tile; the other half have two, each reaching with 0.5: 1 − 0.75 = 0.25 of those.
        Assert.Equal(0.5 * 0.75, fanOut.AnyReaches(0.5), 12);
        Assert.Equal(0, fanOut.AnyReaches(0), 12);
        Assert.Equal(0.5, fanOut.AnyReaches(1), 12);
    }

    [Fact]
    public void Simulated_grid_requests_carry_the_measured_fan_out_into_the_cascade()
    {
        var model = SyntheticProfiles.Grid();
        var arrivals = Arrivals.Poisson(50, 60_000, 1000, new Random(1));
        var result = new PipelineSimulator(model, seed: 3).Run(arrivals, new SimulatedGear([0.8], [2, 2, 2], [8, 8, 8]));
        Assert.Equal(0, result.Dropped);
        Assert.InRange(result.AnsweredItems / (double)arrivals.Count, 2.1, 2.3);
    }
}
