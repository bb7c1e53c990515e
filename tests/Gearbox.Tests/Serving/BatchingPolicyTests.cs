using Gearbox.Batching;
using Gearbox.Serving;

namespace Gearbox.Tests.Serving;

public class BatchingPolicyTests
{
    // l(b) = 2 + b ms: a stand-in latency curve for pure-logic tests.
    private static readonly BatchPolicy Policy = new(b => 2 + b, maxBatch: 8);

    [Fact]
    public void Edf_queue_orders_by_deadline_and_keeps_arrival_order_on_ties()
    {
        var queue = new EdfQueue<string>();
        queue.Enqueue("c", 30);
        queue.Enqueue("a", 10);
        queue.Enqueue("b1", 20);
        queue.Enqueue("b2", 20);

        Assert.Equal(new double[] { 10, 20, 20, 30 }, queue.Deadlines.ToArray());
        Assert.Equal(new[] { "a", "b1", "b2" }, queue.DequeueFront(3));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Items_that_cannot_finish_even_alone_are_dropped()
    {
        // now = 100; one item takes 3 ms: deadlines 101 and 102.9 cannot be met, 103 can.
        var decision = Policy.Decide([101, 102.9, 103, 200], now: 100);
        Assert.Equal(2, decision.Drop);
        Assert.Equal(1, decision.Batch); // head 103 allows only l(1) = 3
    }

    [Fact]
    public void Batch_is_the_largest_that_meets_the_earliest_deadline_up_to_the_max()
    {
        Assert.Equal(new BatchDecision(0, 4), Policy.Decide([106, 500, 500, 500, 500, 500], now: 100)); // l(4) = 6
        Assert.Equal(new BatchDecision(0, 8), Policy.Decide(Enumerable.Repeat(1000.0, 20).ToArray(), now: 100));
        Assert.Equal(new BatchDecision(0, 3), Policy.Decide([1000, 1000, 1000], now: 100));
        Assert.Equal(new BatchDecision(0, 0), Policy.Decide([], now: 100));
    }

    [Fact]
    public void Latency_tracker_starts_from_the_profile_and_follows_measurements()
    {
        var tracker = new LatencyTracker(b => 10.0 * b);
        Assert.Equal(40, tracker.EstimateMs(4));
        tracker.Observe(4, 30);
        Assert.Equal(38, tracker.EstimateMs(4), 6); // 0.8 * 40 + 0.2 * 30
        tracker.Observe(4, 48);
        Assert.Equal(40, tracker.EstimateMs(4), 6); // 0.8 * 38 + 0.2 * 48
        Assert.Equal(10, tracker.EstimateMs(1)); // other buckets keep the profile
        for (var k = 0; k < 100; k++) tracker.Observe(4, 8);
        Assert.Equal(8, tracker.EstimateMs(4), 3); // a lasting change is followed all the way
    }

    [Fact]
    public void One_slow_batch_does_not_make_every_later_item_hopeless()
    {
        // A cold start once took 80 ms for a model profiled at 0.2 ms: with a 50 ms budget the next
        // single item must still run, not be dropped (a worker that drops everything never measures again).
        var tracker = new LatencyTracker(b => 0.2 * b);
        tracker.Observe(1, 80);
        Assert.True(tracker.EstimateMs(1) < 1, $"estimate {tracker.EstimateMs(1)} ms after one outlier");
        var policy = new BatchPolicy(tracker.EstimateMs, maxBatch: 8);
        Assert.Equal(new BatchDecision(0, 1), policy.Decide([50.0], now: 0));
    }

    [Fact]
    public void Worker_picker_prefers_the_least_outstanding_replica()
    {
        var picker = new WorkerPicker();
        string[] workers = ["a", "b", "c"];
        picker.Started("a", 5);
        picker.Started("b", 1);
        Assert.Equal("c", picker.Pick(workers));
        picker.Started("c", 3);
        Assert.Equal("b", picker.Pick(workers));
        picker.Finished("a", 5);
        Assert.Equal("a", picker.Pick(workers));
    }
}
