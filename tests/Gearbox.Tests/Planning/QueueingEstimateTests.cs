using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

public class QueueingEstimateTests
{
    private static readonly ServiceTimes Linear = new("syn", b => 1 + 0.5 * b, 16);

    [Theory]
    [InlineData(1.0, 0.99, 4)]   // P(≤3) = 0.981, P(≤4) = 0.996
    [InlineData(0.0, 0.99, 0)]
    [InlineData(10.0, 0.99, 18)]
    public void Poisson_quantiles_are_right(double mean, double q, int expected) =>
        Assert.Equal(expected, QueueingEstimate.PoissonQuantile(mean, q));

    [Fact]
    public void P99_rises_with_load_falls_with_replicas_and_is_infinite_past_capacity()
    {
        var previous = 0.0;
        foreach (var rate in new[] { 10.0, 100, 500, 1000, 2000, 4000 })
        {
            var p = QueueingEstimate.P99Ms(Linear, rate, 2, 16);
            Assert.True(p >= previous, $"p99 fell from {previous} to {p} at {rate}/s");
            previous = p;
        }
        Assert.True(QueueingEstimate.P99Ms(Linear, 2000, 4, 16) <= QueueingEstimate.P99Ms(Linear, 2000, 2, 16));
        // Capacity of one replica at batch 16 is 16 / 9 ms ≈ 1778/s; at 90% headroom, 1600/s.
        Assert.True(double.IsPositiveInfinity(QueueingEstimate.P99Ms(Linear, 1700, 1, 16)));
        Assert.False(double.IsPositiveInfinity(QueueingEstimate.P99Ms(Linear, 1500, 1, 16)));
    }

    [Fact]
    public void At_trivial_load_p99_is_one_batch_of_one() =>
        Assert.Equal(Linear.Ms(1), QueueingEstimate.P99Ms(Linear, 0.01, 1, 16), 9);
}
