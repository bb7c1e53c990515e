using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class SweepPeakTests
{
    private static HttpFigures Run(double offered, double served, double attainment) =>
        new((int)offered, offered, (int)served, 0, new Dictionary<string, int>(), served, new LatencyStats([1.0]), attainment,
            new AccuracyScore(), new LatencyStats([0.0]), []);

    [Fact]
    public void The_peak_is_the_highest_served_rate_that_held_the_SLO()
    {
        HttpFigures[] runs = [Run(1000, 1000, 1.0), Run(2000, 1990, 0.995), Run(3000, 1200, 0.17)];

        Assert.Same(runs[1], SweepPeak.Find(runs));
        Assert.True(SweepPeak.Saturated(runs));
    }

    [Fact]
    public void A_sweep_that_always_held_the_SLO_has_not_found_saturation()
    {
        HttpFigures[] runs = [Run(100, 100, 1.0), Run(200, 199, 0.999)];

        Assert.Same(runs[1], SweepPeak.Find(runs));
        Assert.False(SweepPeak.Saturated(runs));
    }

    [Fact]
    public void No_peak_when_no_run_held_the_SLO() =>
        Assert.Null(SweepPeak.Find([Run(3000, 900, 0.4)]));
}
