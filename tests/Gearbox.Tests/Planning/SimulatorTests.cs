using Gearbox.Batching;
using Gearbox.Contracts.Profiles;
using Gearbox.Planning;
using Gearbox.Planning.Simulation;

namespace Gearbox.Tests.Planning;

public class SimulatorTests
{
    /// <summary>A synthetic single model whose batches of 1 to 4 items all take 10 ms.</summary>
    private static PipelineModel FlatTenMs()
    {
        var profile = new ModelProfile("syn-flat", "synthetic", 1, DateTimeOffset.UnixEpoch, "synthetic",
            [new LatencyPoint(1, 10, 10, 1), new LatencyPoint(2, 10, 10, 1), new LatencyPoint(4, 10, 10, 1)],
            [0.9f, 0.9f], [true, false], null);
        return new PipelineModel("synthetic-flat", null, [profile]);
    }

    [Fact]
    public void Items_that_cannot_make_their_deadline_are_dropped_as_the_batch_policy_says()
    {
        // One item keeps the worker busy until t=10; ten more arrive at t=1 with deadline 21.
        List<Arrival> arrivals = [new(0, 1000), .. Enumerable.Repeat(new Arrival(1, 20), 10)];
        var result = new PipelineSimulator(FlatTenMs()).Run(arrivals, new SimulatedGear([], [1], [4]));

        // The policy, asked directly about the queue at t=10: no drop, a batch of 4 (done at 20);
        // then at t=20 the six left cannot finish by 21 and are all dropped.
        var policy = new BatchPolicy(_ => 10, 4);
        Assert.Equal(new BatchDecision(0, 4), policy.Decide(Enumerable.Repeat(21.0, 10).ToArray(), 10));
        Assert.Equal(new BatchDecision(6, 0), policy.Decide(Enumerable.Repeat(21.0, 6).ToArray(), 20));
        Assert.Equal(6, result.Dropped);
        Assert.Equal(5, result.Completed);
        Assert.All(result.Requests.Where(r => r.Status == RequestStatus.Completed), r => Assert.True(r.MetDeadline));
        Assert.Equal([10.0, 20, 20, 20, 20], result.Requests.Where(r => r.Status == RequestStatus.Completed).Select(r => r.FinishedMs));
    }

    [Fact]
    public void Queued_items_are_served_earliest_deadline_first()
    {
        // Max batch 1, 10 ms each; four items queue behind the first with budgets out of deadline order.
        List<Arrival> arrivals = [new(0, 1000), new(1, 100), new(1, 40), new(1, 70), new(1, 55)];
        var result = new PipelineSimulator(FlatTenMs()).Run(arrivals, new SimulatedGear([], [1], [1]));
        var order = result.Requests.Skip(1).OrderBy(r => r.FinishedMs).Select(r => r.DeadlineMs).ToArray();
        Assert.Equal([41.0, 56, 71, 101], order);
        Assert.Equal([20.0, 30, 40, 50], result.Requests.Skip(1).Select(r => r.FinishedMs).Order());
    }

    [Fact]
    public void No_answered_request_misses_its_deadline_because_every_batch_must_finish_before_its_head_is_due()
    {
        var model = SyntheticProfiles.Fashion();
        var random = new Random(9);
        var arrivals = Arrivals.Bursty(3000, 5000, 8, random).Select(a => a with { BudgetMs = 3 + random.NextDouble() * 10 }).ToList();
        var result = new PipelineSimulator(model).Run(arrivals, new SimulatedGear([0.7, 0.8], [1, 1, 1], [8, 8, 8]));
        Assert.True(result.Dropped > 0, "the load is meant to overflow this gear");
        Assert.All(result.Requests.Where(r => r.Status == RequestStatus.Completed), r => Assert.True(r.MetDeadline));
        Assert.Equal(result.Completed / (double)result.Requests.Length, result.Attainment, 12);
    }

    [Fact]
    public void Load_spreads_over_replicas_so_more_replicas_drop_less()
    {
        var model = SyntheticProfiles.Fashion();
        var arrivals = Arrivals.Poisson(12000, 2000, 15, new Random(2));
        var one = new PipelineSimulator(model).Run(arrivals, new SimulatedGear([0.7, 0.8], [1, 1, 1], [8, 8, 8]));
        var three = new PipelineSimulator(model).Run(arrivals, new SimulatedGear([0.7, 0.8], [3, 3, 3], [8, 8, 8]));
        Assert.True(three.Attainment > one.Attainment, $"{three.Attainment} vs {one.Attainment}");
    }

    [Fact]
    public void Simulated_accuracy_matches_the_estimator_when_nothing_is_dropped()
    {
        var model = SyntheticProfiles.Fashion(items: 2000);
        double[] thresholds = [0.75, 0.85];
        var arrivals = Arrivals.Poisson(100, 200_000, 1000, new Random(4));
        var result = new PipelineSimulator(model).Run(arrivals, new SimulatedGear(thresholds, [2, 2, 2], [8, 8, 8]));
        Assert.Equal(0, result.Dropped);
        Assert.InRange(result.Accuracy - model.Estimator.Evaluate(thresholds).Accuracy, -0.02, 0.02);
    }

    [Fact]
    public void Requests_keep_the_gear_they_arrived_under_and_retired_workers_finish_them()
    {
        var model = SyntheticProfiles.Fashion();
        var everything = new SimulatedGear([CascadeEstimator.ForwardAll, CascadeEstimator.ForwardAll], [1, 1, 1], [8, 8, 8]);
        var firstOnly = new SimulatedGear([0, 0], [1, 0, 0], [8, 8, 8]);
        var arrivals = Arrivals.Poisson(200, 2000, 1000, new Random(6));
        var result = new PipelineSimulator(model).Run(arrivals, [new GearSwitch(0, everything), new GearSwitch(1000, firstOnly)]);

        Assert.Equal(0, result.Dropped);
        var large = model.Service[2].Ms(1);
        Assert.All(result.Requests.Where(r => r.ArrivedMs < 1000), r => Assert.True(r.LatencyMs >= large, "went through all three models"));
        Assert.All(result.Requests.Where(r => r.ArrivedMs >= 1000), r => Assert.True(r.LatencyMs < large, "answered by the first model"));
    }
}
