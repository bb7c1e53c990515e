using System.Collections.Concurrent;
using Gearbox.Contracts.Serving;
using Gearbox.Serving;

namespace Gearbox.Tests.Serving;

[Collection("serving")]
public class WorkerGrainTests(ServingCluster serving)
{
    private ImageBatch Images(params int[] i) => TestBatches.Of(serving.Models.Data.Test, i);

    [Fact]
    public async Task Queued_items_run_earliest_deadline_first()
    {
        var worker = serving.Client.GetGrain<IWorkerGrain>($"test/edf/{Guid.NewGuid():N}");
        await worker.Configure(new WorkerSettings("cnn-large", MaxBatch: 1));
        var now = UnixClock.NowMs;
        // One call queues 400 items with earlier deadlines; at batch size 1 they keep the worker busy for
        // hundreds of ms, so the next three are all queued before any of them can run.
        var blockers = new[] { worker.Infer(Images(Enumerable.Range(0, 400).Select(i => i % 50).ToArray()), now + 10_000) };
        await Task.Delay(100); // the big message has arrived and its ~400 ms of work has begun
        var finished = new ConcurrentQueue<string>();
        async Task Track(string name, double deadline)
        {
            // 40 items each, so the three finish tens of ms apart: far more than the jitter with which
            // the client's thread pool runs the three continuations.
            await worker.Infer(Images(Enumerable.Range(0, 40).ToArray()), deadline);
            finished.Enqueue(name);
        }
        var late = Track("late", now + 50_000);
        var early = Track("early", now + 20_000);
        var middle = Track("middle", now + 30_000);

        await Task.WhenAll([.. blockers, late, early, middle]);

        var stats = await worker.GetStats();
        Assert.True(stats.MeanQueueDelayMs > 50, $"the three did not queue behind the blockers, so the order proves nothing: {stats}");
        Assert.Equal(new[] { "early", "middle", "late" }, finished.ToArray());
    }

    [Fact]
    public async Task Concurrent_items_are_batched_up_to_the_max_batch()
    {
        var worker = serving.Client.GetGrain<IWorkerGrain>($"test/batch/{Guid.NewGuid():N}");
        await worker.Configure(new WorkerSettings("cnn-small", MaxBatch: 8));
        var deadline = UnixClock.NowMs + 60_000;

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => worker.Infer(Images(i), deadline)));

        var stats = await worker.GetStats();
        Assert.All(answers, a => Assert.Equal(ItemStatus.Ok, Assert.Single(a).Status));
        Assert.Equal(64, stats.Served);
        Assert.InRange(stats.LargestBatch, 2, 8);
        Assert.True(stats.Batches < 64, $"{stats.Batches} batches for 64 items: nothing was batched");
    }

    [Fact]
    public async Task Hopeless_items_are_answered_deadline_exceeded_and_the_rest_still_run()
    {
        var worker = serving.Client.GetGrain<IWorkerGrain>($"test/drop/{Guid.NewGuid():N}");
        await worker.Configure(new WorkerSettings("mlp", MaxBatch: 4));
        var now = UnixClock.NowMs;

        var hopeless = worker.Infer(Images(0, 1, 2), now - 5);
        var fine = worker.Infer(Images(3), now + 60_000);

        Assert.All(await hopeless, a => Assert.Equal(ItemStatus.DeadlineExceeded, a.Status));
        Assert.Equal(ItemStatus.Ok, Assert.Single(await fine).Status);
        var stats = await worker.GetStats();
        Assert.Equal(3, stats.Dropped);
        Assert.Equal(1, stats.Served);
    }

    [Fact]
    public async Task Threads_change_in_place_without_losing_the_engine_or_counts()
    {
        var worker = serving.Client.GetGrain<IWorkerGrain>($"test/scale/{Guid.NewGuid():N}");
        await worker.Configure(new WorkerSettings("mlp", MaxBatch: 4, Threads: 1));
        await worker.Infer(Images(0), UnixClock.NowMs + 60_000);

        await worker.Configure(new WorkerSettings("mlp", MaxBatch: 4, Threads: Environment.ProcessorCount));
        await worker.Infer(Images(1), UnixClock.NowMs + 60_000);

        var stats = await worker.GetStats();
        Assert.Equal(2, stats.Served);
        Assert.Equal(Environment.ProcessorCount, stats.Settings.Threads);
    }

    [Fact]
    public async Task Bad_settings_and_inputs_are_refused_with_a_reason()
    {
        var worker = serving.Client.GetGrain<IWorkerGrain>($"test/bad/{Guid.NewGuid():N}");
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => worker.Configure(new WorkerSettings("resnet", 4)));
        Assert.Contains("resnet", unknown.Message);
        await worker.Configure(new WorkerSettings("mlp", 4));
        var shape = await Assert.ThrowsAsync<ArgumentException>(() => worker.Infer(ImageBatch.Uint8(new byte[10], 10), UnixClock.NowMs + 1000));
        Assert.Contains("784", shape.Message);
    }
}
