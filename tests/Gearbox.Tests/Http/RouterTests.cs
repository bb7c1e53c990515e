using System.Diagnostics;
using System.Net;
using Gearbox.Contracts.Serving;
using Gearbox.Serving;
using Gearbox.Tests.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Tests.Http;

/// <summary>
/// The request path through the router on the gateway's silo (real gateway, real workers): a
/// configuration change (what a gear switch does) is picked up, requests past their deadline are not
/// run by any worker and are counted as drops, and the pipeline's counters still see every request.
/// </summary>
[Collection("gateway")]
public class RouterTests(GatewayServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private IGrainFactory Grains => server.Services.GetRequiredService<IGrainFactory>();

    private async Task<string[]> ModelsThatAnswered(int first, int count)
    {
        var images = Enumerable.Range(first, count).Select(i => server.Models.Data.Test.Image(i).ToArray());
        var response = await InferJson.Post(server.Http, "fashion", InferJson.Body(images, 28));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return InferJson.Models(await InferJson.Json(response));
    }

    /// <summary>Sends requests until every item is answered by <paramref name="model"/>; fails after <see cref="Patience"/>.</summary>
    private Task UntilAllAnsweredBy(string model) => UntilAnswered(models => models.All(m => m == model), $"only {model}");

    /// <summary>Sends requests until the models that answer images 0..19 are those the offline cascade picks with these thresholds.</summary>
    private Task UntilAnsweredAsConfigured(double[] thresholds)
    {
        using var offline = new OfflineCascade(server.Models.Store, ["mlp", "cnn-small", "cnn-large"]);
        var expected = Enumerable.Range(0, 20).Select(i => offline.Answer(server.Models.Data.Test.ToFloats(i, 1), thresholds).Model).ToArray();
        return UntilAnswered(models => models.SequenceEqual(expected), $"[{string.Join(", ", expected)}]");
    }

    private async Task UntilAnswered(Func<string[], bool> expected, string what)
    {
        var clock = Stopwatch.StartNew();
        string[] models;
        while (!expected(models = await ModelsThatAnswered(0, 20)))
        {
            if (clock.Elapsed > Patience) throw new TimeoutException($"After {Patience.TotalSeconds} s still answered by [{string.Join(", ", models)}], not {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_configuration_change_is_picked_up_by_the_router_on_the_gateways_silo()
    {
        var pipeline = Grains.GetGrain<IPipelineGrain>("fashion");
        var original = (await pipeline.GetSnapshot()).Stages[0].Configuration;
        var versionBefore = await pipeline.GetRouteVersion();
        try
        {
            // Thresholds 1: no answer is sure enough, so the last model answers everything.
            await pipeline.Configure("classify", new StageConfiguration([1.0, 1.0],
                [new ModelProvision("mlp", 1, 8), new ModelProvision("cnn-small", 1, 8), new ModelProvision("cnn-large", 1, 8)]));
            await UntilAllAnsweredBy("cnn-large");
            // Thresholds 0 and only the first model provisioned: it answers everything.
            await pipeline.Configure("classify", new StageConfiguration([0.0, 0.0],
                [new ModelProvision("mlp", 1, 8), new ModelProvision("cnn-small", 0, 8), new ModelProvision("cnn-large", 0, 8)]));
            await UntilAllAnsweredBy("mlp");
            Assert.Equal(versionBefore + 2, await pipeline.GetRouteVersion());

            // Once picked up, it stays: many requests, all on the new route.
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(r => ModelsThatAnswered(r * 10, 10)));
            Assert.All(answers.SelectMany(a => a), m => Assert.Equal("mlp", m));
        }
        finally
        {
            await pipeline.Configure("classify", original);
            await UntilAnsweredAsConfigured(original.Thresholds); // the next test in this collection meets the router back on the original route
        }
    }

    [Fact]
    public async Task A_request_past_its_deadline_is_run_by_no_worker_and_counted_as_dropped()
    {
        var pipeline = Grains.GetGrain<IPipelineGrain>("cnn-large");
        var router = Grains.GetGrain<IPipelineRouterGrain>("cnn-large");
        var images = TestBatches.Of(server.Models.Data.Test, 0, 1, 2, 3, 4);
        await router.Infer(images.Select([0]), UnixClock.NowMs + 60_000); // the router and worker are up
        var before = await pipeline.GetSnapshot();

        var answers = await router.Infer(images, UnixClock.NowMs - 1);

        Assert.All(answers, a => Assert.Equal(ItemStatus.DeadlineExceeded, a.Status));
        var workers = (await pipeline.GetSnapshot()).Stages[0].Workers;
        Assert.Equal(before.Stages[0].Workers.Sum(w => w.Served), workers.Sum(w => w.Served));
        Assert.Equal(5, workers.Sum(w => w.Dropped) - before.Stages[0].Workers.Sum(w => w.Dropped));
        // The router hands its counts to the pipeline every window.
        var clock = Stopwatch.StartNew();
        PipelineSnapshot after;
        while ((after = await pipeline.GetSnapshot()).Dropped - before.Dropped < 5)
        {
            if (clock.Elapsed > Patience) throw new TimeoutException($"the pipeline counted {after.Dropped - before.Dropped} of 5 drops");
            await Task.Delay(50);
        }
        Assert.Equal(5, after.Dropped - before.Dropped); // the warm-up request, maybe counted only now, dropped nothing
    }

    [Fact]
    public async Task A_cancelled_request_is_not_run()
    {
        var worker = Grains.GetGrain<IWorkerGrain>($"test/cancel/{Guid.NewGuid():N}");
        await worker.Configure(new WorkerSettings("cnn-large", MaxBatch: 1));
        var image = TestBatches.Of(server.Models.Data.Test, 0);
        var far = UnixClock.NowMs + 60_000;
        // 3,000 items at batch size 1 keep the worker busy for over a second (about 0.5 ms each on an idle
        // core), and the next item, with a later deadline, queues behind all of them (EDF).
        const int blocking = 3_000;
        var blocker = worker.Infer(TestBatches.Of(server.Models.Data.Test, new int[blocking]), far);
        await Task.Delay(20);
        using var cancel = new CancellationTokenSource();
        var cancelled = worker.Infer(image, far + 1, cancel.Token);
        await Task.Delay(50); // the call reaches the worker before it is cancelled
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.All(await blocker, a => Assert.Equal(ItemStatus.Ok, a.Status));
        var stats = await worker.GetStats();
        Assert.True(stats.Queued == 0 && stats.Served == blocking, $"the cancelled item ran or is still queued: {stats}");
        Assert.Equal(1, stats.Dropped);
    }
}
