using System.Diagnostics;
using Gearbox.Contracts.Serving;
using Gearbox.Serving;
using Orleans.Core.Internal;

namespace Gearbox.Tests.Serving;

/// <summary>Workers that lose their activation recover their settings; stages route around failing replicas.</summary>
[Collection("serving")]
public class WorkerRecoveryTests(ServingCluster serving)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ImageBatch Images(params int[] i) => TestBatches.Of(serving.Models.Data.Test, i.Select(k => k % 500).ToArray());

    /// <summary>"fashion"'s cascade stage with one mlp replica answering everything (thresholds 0).</summary>
    private async Task<(IPipelineGrain Pipeline, IWorkerGrain Worker, WorkerSettings Settings)> OneMlpReplica()
    {
        var pipeline = serving.Client.GetGrain<IPipelineGrain>("fashion");
        await pipeline.Configure("classify", new StageConfiguration([0.0, 0.0],
            [new ModelProvision("mlp", 1, 8), new ModelProvision("cnn-small", 0, 8), new ModelProvision("cnn-large", 0, 8)]));
        var worker = serving.Client.GetGrain<IWorkerGrain>(StageConfigurationRules.WorkerKey("fashion/classify", "mlp", 0));
        return (pipeline, worker, new WorkerSettings("mlp", 8, 1));
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Patience) throw new TimeoutException($"Waited {Patience.TotalSeconds} s for: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Asks Orleans to deactivate the worker and waits until a new activation, without settings, has replaced it.</summary>
    private static async Task DeactivateAndWaitForNewActivation(IWorkerGrain worker)
    {
        var served = (await worker.GetStats()).Served;
        await worker.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        // A new activation starts its counters at zero: fewer served than the old one had means it is gone.
        await WaitUntil(async () => (await worker.GetStats()).Served < served, "the worker's activation to be replaced");
    }

    [Fact]
    public async Task A_worker_deactivated_under_steady_load_recovers_its_settings_and_every_request_succeeds()
    {
        var (pipeline, worker, settings) = await OneMlpReplica();
        await pipeline.Infer(Images(0), UnixClock.NowMs + 30_000);
        var startServed = (await worker.GetStats()).Served;

        // ~60 requests/s: deactivate once 60 have been served (~1 s), keep going for 2 s after the new activation is seen.
        const int perSecond = 60;
        var requests = new List<Task<PipelineItem[]>>();
        var deactivation = Task.Run(async () =>
        {
            await WaitUntil(async () => (await worker.GetStats()).Served - startServed >= 60, "60 requests to be served");
            await DeactivateAndWaitForNewActivation(worker);
            return Stopwatch.GetTimestamp();
        });
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / perSecond));
        var flow = Stopwatch.StartNew();
        while (flow.Elapsed < TimeSpan.FromSeconds(40))
        {
            requests.Add(pipeline.Infer(Images(requests.Count), UnixClock.NowMs + 10_000));
            if (deactivation.IsCompleted && Stopwatch.GetElapsedTime(await deactivation) > TimeSpan.FromSeconds(2)) break;
            await pace.WaitForNextTickAsync();
        }
        Assert.True(deactivation.IsCompletedSuccessfully, "the worker was not deactivated while requests flowed");

        var outcomes = await Task.WhenAll(requests.Select(async r =>
        {
            try { return Assert.Single(await r).Status.ToString(); }
            catch (Exception e) { return e.GetType().Name + ": " + e.Message; }
        }));
        var failures = outcomes.Where(o => o != nameof(ItemStatus.Ok)).GroupBy(o => o).Select(g => $"{g.Count()} × {g.Key}").ToArray();
        Assert.True(failures.Length == 0, $"failures among {requests.Count} requests: {string.Join("; ", failures)}");

        var after = await worker.GetStats();
        Assert.Equal(settings, after.Settings);
        Assert.True(after.Served < requests.Count, $"the new activation served {after.Served} of {requests.Count}: it is the old one");
        Assert.Equal(ItemStatus.Ok, Assert.Single(await pipeline.Infer(Images(7), UnixClock.NowMs + 30_000)).Status);
        Assert.Equal(after.Served + 1, (await worker.GetStats()).Served);
    }

    [Fact]
    public async Task A_worker_deactivated_while_idle_recovers_its_settings_on_the_next_request()
    {
        var (pipeline, worker, settings) = await OneMlpReplica();
        await pipeline.Infer(Images(1), UnixClock.NowMs + 30_000);
        await DeactivateAndWaitForNewActivation(worker);
        var idle = await worker.GetStats();
        Assert.Equal("", idle.Settings.Model); // the new activation has not been told anything yet

        var answer = Assert.Single(await pipeline.Infer(Images(2), UnixClock.NowMs + 30_000));

        Assert.Equal(ItemStatus.Ok, answer.Status);
        Assert.Equal("mlp", answer.Models[0]);
        var stats = await worker.GetStats();
        Assert.Equal(settings, stats.Settings);
        Assert.Equal(1, stats.Served);
    }

    [Fact]
    public async Task A_stage_and_its_worker_both_deactivated_are_configured_again_by_the_pipeline()
    {
        var (pipeline, worker, settings) = await OneMlpReplica();
        await pipeline.Infer(Images(3), UnixClock.NowMs + 30_000);
        var stage = serving.Client.GetGrain<IStageGrain>("fashion/classify");
        await DeactivateAndWaitForNewActivation(worker);
        await stage.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await WaitUntil(async () =>
        {
            try { await stage.GetSnapshot(); return false; }
            catch (StageNotConfiguredException) { return true; }
        }, "the stage's activation to be replaced");

        var answer = Assert.Single(await pipeline.Infer(Images(4), UnixClock.NowMs + 30_000));

        Assert.Equal(ItemStatus.Ok, answer.Status);
        Assert.Equal(settings, (await worker.GetStats()).Settings);
        Assert.Equal(settings.MaxBatch, (await stage.GetSnapshot()).Configuration.Models.Single(m => m.Model == "mlp").MaxBatch);
    }

    [Fact]
    public async Task A_worker_outside_any_stage_configuration_says_so_with_a_well_known_exception()
    {
        var worker = serving.Client.GetGrain<IWorkerGrain>(StageConfigurationRules.WorkerKey("fashion/nowhere", "mlp", 0));
        var error = await Assert.ThrowsAsync<WorkerNotConfiguredException>(() => worker.Infer(Images(0), UnixClock.NowMs + 30_000));
        Assert.Contains("fashion/nowhere/mlp/0", error.Message);
        var loose = serving.Client.GetGrain<IWorkerGrain>($"test/loose/{Guid.NewGuid():N}");
        await Assert.ThrowsAsync<WorkerNotConfiguredException>(() => loose.Infer(Images(0), UnixClock.NowMs + 30_000));
    }

    [Fact]
    public async Task The_stage_retries_on_another_replica_when_one_replica_throws()
    {
        var pipeline = serving.Client.GetGrain<IPipelineGrain>("cnn-small");
        await pipeline.Configure("model", new StageConfiguration([], [new ModelProvision("cnn-small", 2, 8)]));
        var broken = StageConfigurationRules.WorkerKey("cnn-small/model", "cnn-small", 0);
        var healthy = serving.Client.GetGrain<IWorkerGrain>(StageConfigurationRules.WorkerKey("cnn-small/model", "cnn-small", 1));
        var brokenServed = (await serving.Client.GetGrain<IWorkerGrain>(broken).GetStats()).Served;
        var healthyServed = (await healthy.GetStats()).Served;
        var injectedBefore = WorkerFaults.InjectedInto(broken);
        WorkerFaults.Fail(broken, () => new InvalidOperationException("injected: replica 0 is broken"));
        try
        {
            const int n = 40;
            var answers = await Task.WhenAll(Enumerable.Range(0, n).Select(i => pipeline.Infer(Images(i), UnixClock.NowMs + 30_000)));

            Assert.All(answers, a => Assert.Equal(ItemStatus.Ok, Assert.Single(a).Status));
            Assert.True(WorkerFaults.InjectedInto(broken) > injectedBefore, "no request was sent to the broken replica, so nothing was retried");
            Assert.Equal(healthyServed + n, (await healthy.GetStats()).Served);
            Assert.Equal(brokenServed, (await serving.Client.GetGrain<IWorkerGrain>(broken).GetStats()).Served);
        }
        finally
        {
            WorkerFaults.Heal(broken);
        }
    }

    [Fact]
    public async Task When_every_replica_fails_twice_the_stage_says_which_model_and_why()
    {
        var pipeline = serving.Client.GetGrain<IPipelineGrain>("cnn-large");
        await pipeline.Configure("model", new StageConfiguration([], [new ModelProvision("cnn-large", 2, 8)]));
        var replicas = Enumerable.Range(0, 2).Select(r => StageConfigurationRules.WorkerKey("cnn-large/model", "cnn-large", r)).ToArray();
        var injectedBefore = replicas.Sum(WorkerFaults.InjectedInto);
        foreach (var key in replicas) WorkerFaults.Fail(key, () => new InvalidOperationException("injected: replica is broken"));
        try
        {
            var error = await Assert.ThrowsAsync<ReplicasFailedException>(() => pipeline.Infer(Images(0), UnixClock.NowMs + 30_000));

            Assert.Contains("'cnn-large'", error.Message);
            Assert.Contains("injected: replica is broken", error.Message);
            Assert.Equal(injectedBefore + 4, replicas.Sum(WorkerFaults.InjectedInto)); // each replica tried twice
        }
        finally
        {
            foreach (var key in replicas) WorkerFaults.Heal(key);
        }
    }

    [Fact]
    public async Task Failures_that_outlast_the_deadline_are_answered_deadline_exceeded_without_a_retry()
    {
        var pipeline = serving.Client.GetGrain<IPipelineGrain>("mlp");
        await pipeline.Configure("model", new StageConfiguration([], [new ModelProvision("mlp", 2, 8)]));
        var replicas = Enumerable.Range(0, 2).Select(r => StageConfigurationRules.WorkerKey("mlp/model", "mlp", r)).ToArray();
        var injectedBefore = replicas.Sum(WorkerFaults.InjectedInto);
        foreach (var key in replicas)
            WorkerFaults.Fail(key, () => new TimeoutException("injected: no answer in time"), TimeSpan.FromMilliseconds(300));
        try
        {
            var answers = await pipeline.Infer(Images(0, 1, 2), UnixClock.NowMs + 100);

            Assert.All(answers, a => Assert.Equal(ItemStatus.DeadlineExceeded, a.Status));
            Assert.Equal(injectedBefore + 1, replicas.Sum(WorkerFaults.InjectedInto)); // one try, no retry past the deadline
        }
        finally
        {
            foreach (var key in replicas) WorkerFaults.Heal(key);
        }
    }

    [Theory]
    [InlineData("fashion/classify/mlp/0", "fashion/classify")]
    [InlineData("fashion-grid/tiles/grid-tiles/3", "fashion-grid/tiles")]
    [InlineData("test/edf/0123abcd", null)]
    [InlineData("mlp/0", null)]
    [InlineData("a/b/mlp/-1", null)]
    public void Worker_keys_name_their_stage(string workerKey, string? stageKey) =>
        Assert.Equal(stageKey, StageConfigurationRules.StageKeyOf(workerKey));
}
