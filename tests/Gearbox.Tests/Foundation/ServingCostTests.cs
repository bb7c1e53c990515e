using Gearbox.Contracts.Profiles;
using Gearbox.Profiling;

namespace Gearbox.Tests.Foundation;

public class ServingCostTests
{
    private static ServingRun Run(string pipeline, double rate, int requests, long items, double cpuMs) =>
        new(pipeline, rate, requests, requests, items, requests / rate, cpuMs, items * 0.05, requests * 0.1, 2, 5);

    private static double Cost(double rate, int requests, long items) => 30 * requests / rate + 0.2 * requests + 0.05 * items;

    [Fact]
    public void The_fit_separates_CPU_per_second_per_request_and_per_item()
    {
        // 30 ms/s while traffic flows + 0.2 ms per request + 0.05 ms per item, with a little noise.
        var runs = new[]
        {
            Run("mlp", 150, 2000, 2000, Cost(150, 2000, 2000) + 3),
            Run("mlp", 400, 2000, 2000, Cost(400, 2000, 2000) - 2),
            Run("fashion", 150, 2000, 3000, Cost(150, 2000, 3000) + 1),
            Run("fashion", 400, 2000, 3000, Cost(400, 2000, 3000) - 1),
            Run("fashion-grid", 150, 2000, 10000, Cost(150, 2000, 10000) - 4),
            Run("fashion-grid", 400, 2000, 10000, Cost(400, 2000, 10000) + 2),
        };
        var fit = ServingCostFit.Fit(runs);
        Assert.Equal(30, fit.CpuMsPerSecond, 0);
        Assert.Equal(0.2, fit.CpuMsPerRequest, 2);
        Assert.Equal(0.05, fit.CpuMsPerItem, 2);
        Assert.Contains("per second, per request, per item", fit.How);
    }

    [Fact]
    public void Terms_the_runs_do_not_need_are_left_out()
    {
        var fit = ServingCostFit.Fit([Run("mlp", 100, 1000, 1000, 300), Run("mlp", 300, 3000, 3000, 900), Run("fashion", 300, 3000, 4500, 900)]);
        Assert.Equal(0.3, fit.CpuMsPerRequest, 9);
        Assert.Equal(0, fit.CpuMsPerItem);
        Assert.Equal(0, fit.CpuMsPerSecond);
        Assert.Contains("terms kept: per request;", fit.How);
    }

    [Fact]
    public void A_term_that_would_come_out_negative_is_left_out()
    {
        // More items per request, less CPU: the unconstrained fit's per-item term would be negative.
        var fit = ServingCostFit.Fit([Run("a", 100, 1000, 1000, 500), Run("b", 100, 1000, 3000, 300)]);
        Assert.True(fit.CpuMsPerItem >= 0 && fit.CpuMsPerRequest >= 0 && fit.CpuMsPerSecond >= 0);
        Assert.Equal(0, fit.CpuMsPerItem);
    }

    [Fact]
    public void The_serving_cost_file_round_trips_and_refuses_bad_files()
    {
        var file = new ServingCostFile(SyntheticData.TempDirectory());
        Assert.Null(file.TryLoad());
        var cost = new ServingCost(0.21, 0.04, 1.8, 9.5, 0.15, 0.06, 12, 2, DateTimeOffset.Parse("2026-12-02T03:00:00Z"), "test", [Run("mlp", 100, 10, 10, 3)], 120, 40);
        file.Save(cost);
        var read = file.TryLoad()!;
        Assert.Equal(cost with { Runs = read.Runs }, read);
        Assert.Equal(cost.Runs, read.Runs);
        Assert.Contains("\"formatVersion\": 1", File.ReadAllText(file.Path));
        Assert.Equal((40 + 0.21 * 1000 + 0.04 * 1500) / 1000, read.CoresAt(1000, 1500), 9);
        Assert.Equal(0, read.CoresAt(0, 0));

        File.WriteAllText(file.Path, "{\"formatVersion\":2,\"serving\":{}}");
        var error = Assert.Throws<InvalidDataException>(() => file.TryLoad());
        Assert.Contains("format version 2", error.Message);
        Assert.Contains("./gearbox profile-serving", error.Message);
    }

    [Fact]
    public void Stat_lines_are_read_after_the_name_even_with_spaces_and_parentheses_in_it()
    {
        var stat = "4242 (gbx-cnn (x) y) S 1 2 3 4 5 6 7 8 9 10 150 25 0 0 20 0 1 0 100 0 0";
        Assert.Equal(175, ProcessCpu.StatTicks(stat));
    }

    [Fact]
    public void This_process_threads_and_CPU_can_be_read()
    {
        if (!ProcessCpu.IsSupported) return;
        var thread = new Thread(() => { var end = DateTime.UtcNow.AddMilliseconds(200); while (DateTime.UtcNow < end) { } }) { Name = "gbx-probe" };
        thread.Start();
        Thread.Sleep(50);
        var snapshot = ProcessCpu.Read(Environment.ProcessId);
        thread.Join();
        Assert.Contains(snapshot.Threads, t => t.Name == "gbx-probe");
        Assert.Single(snapshot.ThreadsNamed("gbx-probe"));
        Assert.True(snapshot.ProcessCpuMs > 0);
        Assert.True(snapshot.ProcessCpuMs + 50 >= snapshot.Threads.Sum(t => t.CpuMs), "the process total holds its threads' time");
    }

    [Fact]
    public void Profiles_written_before_thread_counts_were_added_still_load()
    {
        var files = new ProfileFile(SyntheticData.TempDirectory());
        File.WriteAllText(files.PathOf("mlp"), """
            {"formatVersion":1,"profile":{"model":"mlp","device":"cpu","threads":1,"measuredAt":"2026-11-23T00:00:00+00:00","dataHash":"h",
             "latency":[{"batchSize":1,"medianMs":0.1,"p95Ms":0.2,"repetitions":20}],"confidence":[0.9],"correct":[true],"fanOut":null}}
            """);
        var profile = files.Load("mlp");
        Assert.Null(profile.LatencyAtThreads);
        Assert.Equal([1], profile.ThreadCounts());

        files.Save(profile with { LatencyAtThreads = [new ThreadLatency(2, [new LatencyPoint(1, 0.07, 0.1, 20)])] });
        var two = files.Load("mlp");
        Assert.Equal([1, 2], two.ThreadCounts());
        Assert.Equal(0.07, two.LatencyMs(1, 2));
        Assert.Contains("\"latencyAtThreads\"", File.ReadAllText(files.PathOf("mlp")));
    }
}
