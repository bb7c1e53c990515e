using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class RateLadderTests
{
    private static HttpFigures Step(double attainment, double lagP99 = 1) =>
        new(100, 100, 100, 0, new Dictionary<string, int>(), 100, new LatencyStats([1.0]), attainment, new AccuracyScore(), new LatencyStats([lagP99]), []);

    [Fact]
    public void A_ladder_climbs_by_its_step_up_to_its_max()
    {
        var ladder = RateLadder.ParseUp("500,250,1200");

        Assert.Equal([500, 750, 1000], Enumerable.Range(0, 10).Select(ladder.RateAt).OfType<double>());
        Assert.True(ladder.Saturating);
    }

    [Fact]
    public void Without_a_max_it_climbs_until_stopped() =>
        Assert.Equal(100 + 99 * 100, RateLadder.ParseUp("100,100").RateAt(99));

    [Theory]
    [InlineData("")]
    [InlineData("500")]
    [InlineData("500,x")]
    [InlineData("500,100,200")] // max below start
    [InlineData("1,2,3,4")]
    [InlineData("0,100")]
    public void Bad_ladders_are_refused_with_the_form(string text) =>
        Assert.Contains("--rate-up", Assert.Throws<BenchUsageException>(() => RateLadder.ParseUp(text)).Message);

    [Fact]
    public void It_stops_after_two_steps_in_a_row_under_the_SLO()
    {
        var ladder = RateLadder.ParseUp("100,100");

        Assert.Null(ladder.StopReason([Step(1), Step(0.98)]));
        Assert.Null(ladder.StopReason([Step(1), Step(0.98), Step(0.995)])); // one miss, then held: go on
        Assert.Contains("saturated", ladder.StopReason([Step(1), Step(0.98), Step(0.5)]));
    }

    [Fact]
    public void It_stops_when_the_generator_falls_behind_twice_counted_with_misses()
    {
        var ladder = RateLadder.ParseUp("100,100");

        Assert.Null(ladder.StopReason([Step(1, lagP99: 50)]));
        Assert.Contains("generator-bound", ladder.StopReason([Step(1), Step(1, lagP99: 50), Step(0.9)]));
        Assert.Contains("generator-bound", ladder.StopReason([Step(1, lagP99: 50), Step(1, lagP99: 30)]));
    }

    [Fact]
    public void A_fixed_list_runs_every_rate()
    {
        var ladder = RateLadder.Of([20, 1000]);

        Assert.Null(ladder.StopReason([Step(0.1), Step(0.1)]));
        Assert.Equal([20, 1000], Enumerable.Range(0, 5).Select(ladder.RateAt).OfType<double>());
    }
}
