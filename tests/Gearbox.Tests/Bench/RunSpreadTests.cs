using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class RunSpreadTests
{
    [Fact]
    public void Spread_is_max_minus_min_over_the_mean()
    {
        var s = RunSpread.Of([900, 1000, 1100]);

        Assert.Equal(1000, s.Mean, 9);
        Assert.Equal(0.2, s.Spread, 9);
        Assert.True(s.WithinTolerance); // each within ±10 % of the mean
    }

    [Fact]
    public void A_run_more_than_ten_percent_off_the_mean_fails_the_check()
    {
        var s = RunSpread.Of([1000, 1000, 1400]); // mean 1133: 1400 is 23.5 % above

        Assert.False(s.WithinTolerance);
        Assert.Equal(400 / (3400 / 3.0), s.Spread, 9);
    }

    [Fact]
    public void A_run_without_a_peak_makes_the_spread_undefined_and_fails()
    {
        var s = RunSpread.Of([1000, double.NaN, 1000]);

        Assert.True(double.IsNaN(s.Spread));
        Assert.False(s.WithinTolerance);
    }

    [Fact]
    public void One_run_agrees_with_itself() => Assert.True(RunSpread.Of([750]).WithinTolerance);
}
