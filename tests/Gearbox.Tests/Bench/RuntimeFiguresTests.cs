using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class RuntimeFiguresTests
{
    private static RuntimeReading Reading(double allocated, double gen0, double pauseS, double cpuS, double queue, double threads, double locks = 0, double workItems = 0) =>
        new(allocated, gen0, 1, 0, pauseS, locks, cpuS, queue, threads, workItems);

    [Fact]
    public void Counters_are_differences_over_the_step_and_per_request()
    {
        var before = Reading(1_000_000, 10, 0.5, 20, 0, 4, locks: 100, workItems: 5000);
        var after = Reading(1_000_000 + 200 * 1024 * 50, 13, 0.525, 21, 1, 6, locks: 130, workItems: 6400);

        var r = RuntimeFigures.Between(before, after, [], requests: 200);

        Assert.Equal(50, r.AllocatedKbPerRequest!.Value, 9);
        Assert.Equal(3, r.Gen0Collections);
        Assert.Equal(0, r.Gen1Collections);
        Assert.Equal(25, r.GcPauseMs!.Value, 9);
        Assert.Equal(5, r.CpuMsPerRequest!.Value, 9); // 1 s of CPU over 200 requests
        Assert.Equal(30, r.LockContentions);
        Assert.Equal(7, r.WorkItemsPerRequest!.Value, 9);
    }

    [Fact]
    public void Gauges_take_the_max_and_mean_of_every_reading_in_the_step()
    {
        var before = Reading(0, 0, 0, 0, queue: 0, threads: 4);
        var after = Reading(0, 0, 0, 0, queue: 2, threads: 5);
        RuntimeReading[] during = [Reading(0, 0, 0, 0, queue: 30, threads: 9), Reading(0, 0, 0, 0, queue: 8, threads: 7)];

        var r = RuntimeFigures.Between(before, after, during, requests: 10);

        Assert.Equal(30, r.QueueMax);
        Assert.Equal(10, r.QueueMean); // (30 + 8 + 0 + 2) / 4
        Assert.Equal(9, r.ThreadsMax);
        Assert.Equal(2, r.Polls);
    }

    [Fact]
    public void No_readings_give_no_figures()
    {
        var r = RuntimeFigures.Between(null, null, [], requests: 100);

        Assert.False(r.Any);
        Assert.Null(r.AllocatedKbPerRequest);
        Assert.Null(r.QueueMax);
    }

    [Fact]
    public void A_step_with_no_requests_has_no_per_request_figures_but_keeps_the_counts()
    {
        var r = RuntimeFigures.Between(Reading(0, 0, 0, 0, 0, 1), Reading(4096, 2, 0.001, 1, 0, 1), [], requests: 0);

        Assert.Null(r.AllocatedKbPerRequest);
        Assert.Null(r.CpuMsPerRequest);
        Assert.Equal(2, r.Gen0Collections);
    }
}
