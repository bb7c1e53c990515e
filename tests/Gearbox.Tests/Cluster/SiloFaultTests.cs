using System.Net;
using Gearbox.Bench;
using Gearbox.Tests.Http;
using Xunit.Abstractions;
using static Gearbox.Tests.Cluster.ClusterRequests;

namespace Gearbox.Tests.Cluster;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "Real processes: redis-server, silos, client gateway";
}

/// <summary>
/// The README's multi-silo recipe as real processes (redis-server, standalone silos, a client-mode
/// gateway on loopback ports) under open-loop HTTP load: kill -9, SIGTERM, no silo at all. Assertions are
/// on counts of answers, never on latencies (<see cref="ClusterRequests.SloMs"/> says which SLO the requests carry).
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class SiloFaultTests(ITestOutputHelper output)
{
    private const double Rate = 100;

    [Fact]
    public async Task Kill_9_of_a_silo_under_load_costs_no_request_its_answer()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        await Warm(cluster);
        var victim = cluster.SiloAt((await Workers(cluster, "fashion")).First().Silo);
        output.WriteLine($"killing {victim.Name} (pid {victim.Pid}), which hosts fashion's first worker");

        var killAt = TimeSpan.FromSeconds(4);
        var load = Load(cluster, "fashion", Body28).RunAsync(Rate, TimeSpan.FromSeconds(14));
        await Task.Delay(killAt);
        victim.Signal(ChildProcess.SigKill);
        var outcomes = await load;

        Report("kill -9", outcomes, killAt);
        output.WriteLine(cluster.Gateway.Describe(60));
        AssertServedThrough(cluster, outcomes, killAt);
        var survivors = (await Workers(cluster, "fashion")).Select(w => cluster.SiloAt(w.Silo)).Distinct().ToArray();
        Assert.DoesNotContain(victim, survivors);
    }

    [Fact]
    public async Task Sigterm_of_a_silo_under_load_drains_it_without_an_error()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        await Warm(cluster);
        var victim = cluster.SiloAt((await Workers(cluster, "fashion")).First().Silo);
        output.WriteLine($"stopping {victim.Name} (pid {victim.Pid}) with SIGTERM, which hosts fashion's first worker");

        var stopAt = TimeSpan.FromSeconds(4);
        var load = Load(cluster, "fashion", Body28).RunAsync(Rate, TimeSpan.FromSeconds(12));
        await Task.Delay(stopAt);
        var signalled = System.Diagnostics.Stopwatch.StartNew();
        victim.Signal(ChildProcess.SigTerm);
        var exit = victim.WaitForExitAsync(TimeSpan.FromSeconds(45)).ContinueWith(t => (t.Result, signalled.Elapsed));
        var outcomes = await load;
        var (exited, after) = await exit;

        Report("SIGTERM", outcomes, stopAt);
        output.WriteLine($"{victim.Name} exited {after.TotalSeconds:F1} s after SIGTERM with code {victim.ExitCode}");
        Assert.True(exited, $"{victim.Name} did not exit within 45 s of SIGTERM.\n{victim.Describe()}");
        Assert.True(victim.ExitCode == 0, $"{victim.Name} did not shut down cleanly.\n{victim.Describe()}");
        Assert.True(outcomes.All(o => o.Status == 200), $"A drained silo must cost no request: {OpenLoopLoad.Summary(outcomes)}\n{cluster.Describe()}");
    }

    [Fact]
    public async Task Client_gateway_answers_503_with_retry_after_while_no_silo_is_up_and_recovers()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 1);
        await Warm(cluster);
        var silo = cluster.Silos[0].Process;
        silo.Signal(ChildProcess.SigKill);
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        // Open-loop for a while with no silo: every request gets an answer by its deadline (the pipeline's
        // default SLO here, 50 ms), 503: the gateway retries within the deadline, then says why it gave up.
        var outcomes = await Load(cluster, "fashion", BodyDefaultSlo).RunAsync(10, TimeSpan.FromSeconds(5));
        output.WriteLine("no silo: " + OpenLoopLoad.Summary(outcomes));
        Assert.True(outcomes.All(o => o.Status == 503), OpenLoopLoad.Summary(outcomes));
        using (var one = await InferJson.Post(cluster.Http, "fashion", BodyDefaultSlo))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, one.StatusCode);
            Assert.True(one.Headers.RetryAfter is not null, "503 without Retry-After");
            Assert.Contains("silo", await one.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        await cluster.AddSiloAsync();
        var recovered = false;
        for (var attempt = 0; attempt < 60 && !recovered; attempt++)
        {
            using var response = await InferJson.Post(cluster.Http, "fashion", Body28);
            recovered = response.StatusCode == HttpStatusCode.OK;
            if (!recovered) await Task.Delay(1000);
        }
        Assert.True(recovered, "The gateway did not serve again within 60 s of a silo coming back.\n" + cluster.Describe());
    }

    private void Report(string fault, Outcome[] outcomes, TimeSpan faultAt)
    {
        var ok = outcomes.Count(o => o.Status == 200);
        output.WriteLine($"{fault} at {faultAt.TotalSeconds:0} s, {Rate}/s for {outcomes.Max(o => o.SentAtS):F0} s: {outcomes.Length} requests, "
            + $"{ok} ({100.0 * ok / outcomes.Length:F2} %) 200; {OpenLoopLoad.Summary(outcomes)}");
        var late = outcomes.Where(o => o.Status != 200).Select(o => o.SentAtS).DefaultIfEmpty(double.NaN);
        output.WriteLine($"non-200 sent between {late.Min():F1} s and {late.Max():F1} s");
    }

    /// <summary>Every request answered, none with 500, at least 99 % with 200, and all 200 from 10 s after the fault.</summary>
    private static void AssertServedThrough(ProcessCluster cluster, Outcome[] outcomes, TimeSpan faultAt)
    {
        var summary = OpenLoopLoad.Summary(outcomes) + "\n" + cluster.Describe();
        Assert.DoesNotContain(outcomes, o => o.Status == 0);
        Assert.DoesNotContain(outcomes, o => o.Status >= 500 && o.Status is not (503 or 504));
        Assert.True(outcomes.Count(o => o.Status == 200) >= 0.99 * outcomes.Length, "fewer than 99 % 200: " + summary);
        var settled = faultAt.TotalSeconds + 10;
        Assert.True(outcomes.Where(o => o.SentAtS >= settled).All(o => o.Status == 200), $"not all 200 from {settled} s on: " + summary);
    }

}
