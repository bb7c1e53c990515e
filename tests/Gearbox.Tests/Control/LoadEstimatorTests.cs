using Gearbox.Contracts.Monitoring;
using Gearbox.Planning.Control;
using static Gearbox.Tests.Control.ControlFixtures;

namespace Gearbox.Tests.Control;

/// <summary>The load estimate from 100 ms windows: smoothed rate, burst and backlog signals.</summary>
public class LoadEstimatorTests
{
    private static DateTimeOffset At(int window) => DateTimeOffset.UnixEpoch.AddMilliseconds(100 * window);

    /// <summary>A window in which the entrance reported <paramref name="arrivals"/> over exactly 100 ms.</summary>
    private static RateSample Window(double arrivals) => new(arrivals * 10, 100);

    [Fact]
    public void Smooths_a_steady_rate_to_that_rate()
    {
        var estimator = new LoadEstimator(Options);
        LoadEstimate estimate = null!;
        for (var w = 0; w < 50; w++) estimate = estimator.Observe(At(w), Window(20), 0, 0); // 200 req/s
        Assert.Equal(200, estimate.Rate, 3);
        Assert.Equal(BurstKind.None, estimate.Burst);
        Assert.Equal(estimate.Rate, estimate.Demand);
    }

    [Fact]
    public void A_step_up_is_a_burst_by_its_second_window_and_the_rate_follows_within_a_second()
    {
        var estimator = new LoadEstimator(Options);
        for (var w = 0; w < 50; w++) estimator.Observe(At(w), Window(10), 0, 0); // 100 req/s
        Assert.Equal(BurstKind.None, estimator.Observe(At(50), Window(40), 0, 0).Burst); // 400 req/s from here
        var second = estimator.Observe(At(51), Window(40), 0, 0);
        Assert.Equal(BurstKind.Arrivals, second.Burst);
        Assert.Equal(400, second.Demand, 3);
        LoadEstimate later = second;
        for (var w = 52; w < 60; w++) later = estimator.Observe(At(w), Window(40), 0, 0);
        Assert.True(later.Rate > 0.8 * 400, $"smoothed rate {later.Rate} after 1 s"); // the EWMA has caught up: no burst needed now
    }

    [Fact]
    public void One_window_of_catch_up_after_a_stall_is_not_a_burst()
    {
        var estimator = new LoadEstimator(Options);
        for (var w = 0; w < 50; w++) estimator.Observe(At(w), Window(10), 0, 0);
        Assert.Equal(BurstKind.None, estimator.Observe(At(50), Window(0), 0, 0).Burst);
        Assert.Equal(BurstKind.None, estimator.Observe(At(51), Window(25), 0, 0).Burst);
        Assert.Equal(BurstKind.None, estimator.Observe(At(52), Window(10), 0, 0).Burst);
    }

    [Fact]
    public void Poisson_noise_at_low_rates_is_not_a_burst()
    {
        var estimator = new LoadEstimator(Options);
        for (var w = 0; w < 50; w++) estimator.Observe(At(w), Window(2), 0, 0); // 20 req/s
        Assert.Equal(BurstKind.None, estimator.Observe(At(50), Window(5), 0, 0).Burst); // 5 where 2 were expected: within 3 sigma
    }

    [Fact]
    public void A_queue_growing_window_after_window_is_a_backlog()
    {
        var estimator = new LoadEstimator(Options);
        for (var w = 0; w < 10; w++) estimator.Observe(At(w), Window(10), 0, 0);
        var queue = 0;
        LoadEstimate estimate = null!;
        for (var w = 10; w < 10 + Options.BacklogWindows; w++) estimate = estimator.Observe(At(w), Window(10), queue += 40, 0);
        Assert.Equal(BurstKind.Backlog, estimate.Burst);
        Assert.Equal(BurstKind.None, estimator.Observe(At(20), Window(10), queue - 10, 0).Burst); // shrinking again
    }

    [Fact]
    public void A_window_without_a_report_keeps_the_rate_and_a_long_report_weighs_its_length()
    {
        var estimator = new LoadEstimator(Options);
        for (var w = 0; w < 50; w++) estimator.Observe(At(w), Window(10), 0, 0); // 100 req/s
        Assert.Equal(100, estimator.Observe(At(50), null, 0, 0).Rate, 6);
        // One report covering 1 s at 300 req/s moves the estimate as ten 100 ms windows would.
        var one = new LoadEstimator(Options);
        var ten = new LoadEstimator(Options);
        for (var w = 0; w < 50; w++) { one.Observe(At(w), Window(10), 0, 0); ten.Observe(At(w), Window(10), 0, 0); }
        var slow = one.Observe(At(60), new RateSample(300, 1000), 0, 0).Rate;
        LoadEstimate fast = null!;
        for (var w = 50; w < 60; w++) fast = ten.Observe(At(w), Window(30), 0, 0);
        Assert.Equal(fast.Rate, slow, 6);
    }
}
