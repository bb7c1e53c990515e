using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class PoissonScheduleTests
{
    [Fact]
    public void Arrivals_are_increasing_within_the_duration_at_the_asked_rate()
    {
        var offsets = PoissonSchedule.OffsetsMs(ratePerSecond: 200, durationSeconds: 50, maxRequests: 1_000_000, seed: 4);

        Assert.All(offsets.Zip(offsets.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        Assert.InRange(offsets[^1], 0, 50_000);
        // 10,000 expected; a Poisson count's standard deviation is 100, so 5 sigma is 500.
        Assert.InRange(offsets.Length, 9_500, 10_500);
        var gaps = offsets.Zip(offsets.Skip(1), (a, b) => b - a).ToArray();
        // Exponential gaps: the standard deviation equals the mean (5 ms).
        var mean = gaps.Average();
        var sd = Math.Sqrt(gaps.Select(g => (g - mean) * (g - mean)).Average());
        Assert.InRange(mean, 4.8, 5.2);
        Assert.InRange(sd / mean, 0.9, 1.1);
    }

    [Fact]
    public void The_request_cap_bounds_the_schedule() =>
        Assert.Equal(100, PoissonSchedule.OffsetsMs(1000, 60, maxRequests: 100, seed: 1).Length);

    [Fact]
    public void The_same_seed_gives_the_same_schedule() =>
        Assert.Equal(PoissonSchedule.OffsetsMs(50, 10, 1000, 7), PoissonSchedule.OffsetsMs(50, 10, 1000, 7));
}
