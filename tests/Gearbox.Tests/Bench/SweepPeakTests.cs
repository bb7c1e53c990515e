using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class SweepPeakTests
{
    private static HttpFigures Run(double offered, double served, double attainment, double sendLagP99 = 0) =>
        new((int)offered, offered, (int)served, 0, new Dictionary<string, int>(), served, new LatencyStats([1.0]), attainment,
            new AccuracyScore(), new LatencyStats([sendLagP99]), []);

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

    [Fact]
    public void A_generator_bound_run_is_never_the_peak()
    {
        HttpFigures[] runs = [Run(1000, 1000, 1.0), Run(2000, 2000, 1.0, sendLagP99: 45)];

        Assert.Same(runs[0], SweepPeak.Find(runs));
        Assert.True(SweepPeak.GeneratorBound(runs[1]));
    }

    [Fact]
    public void Misses_at_or_below_80_percent_of_the_peak_are_listed()
    {
        // Peak 3000/s: 80 % is 2400/s. The 500/s and 2400/s steps missed; 3500/s (above the peak) does not count.
        HttpFigures[] runs = [Run(500, 490, 0.985), Run(1000, 1000, 1.0), Run(2400, 2380, 0.97), Run(3000, 3000, 0.995), Run(3500, 3100, 0.6)];

        var misses = SweepPeak.MissesBelowPeak(runs, SweepPeak.Find(runs));

        Assert.Equal([500.0, 2400.0], misses.Select(m => m.OfferedRate));
    }

    [Fact]
    public void A_steady_sweep_has_no_misses_below_the_peak()
    {
        HttpFigures[] runs = [Run(500, 500, 1.0), Run(2000, 2000, 0.999), Run(2600, 2400, 0.95)];

        Assert.Empty(SweepPeak.MissesBelowPeak(runs, SweepPeak.Find(runs)));
        Assert.Empty(SweepPeak.MissesBelowPeak(runs, null));
    }
}
