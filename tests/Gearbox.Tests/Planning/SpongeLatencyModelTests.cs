using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

public class SpongeLatencyModelTests
{
    [Fact]
    public void Fitting_samples_from_known_parameters_recovers_them()
    {
        var truth = new SpongeLatencyModel(0.8, 0.05, 2.0, 0.3, true);
        var samples = (from b in new[] { 1, 2, 4, 8, 16, 32 } from c in new[] { 1.0, 2, 4 } select new LatencySample(b, c, truth.Ms(b, c))).ToList();
        var fit = SpongeLatencyModel.Fit(samples);
        Assert.True(fit.Identifiable);
        Assert.Equal(0.8, fit.Gamma, 6);
        Assert.Equal(0.05, fit.Delta, 6);
        Assert.Equal(2.0, fit.Epsilon, 6);
        Assert.Equal(0.3, fit.Eta, 6);
        Assert.True(fit.RmsErrorMs(samples) < 1e-9);
    }

    [Fact]
    public void One_core_count_still_fits_the_samples_but_is_flagged_as_not_identifiable()
    {
        var samples = new[] { 1, 2, 4, 8 }.Select(b => new LatencySample(b, 2, 1 + 0.5 * b)).ToList();
        var fit = SpongeLatencyModel.Fit(samples);
        Assert.False(fit.Identifiable);
        Assert.True(fit.RmsErrorMs(samples) < 1e-9);
        Assert.Equal((1 + 0.5 * 4) / 2, fit.Ms(4, 4), 9); // all cost on the 1/c terms: twice the cores, half the time
    }
}
