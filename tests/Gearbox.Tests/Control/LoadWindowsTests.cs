using Gearbox.Contracts.Monitoring;
using Gearbox.Monitoring;
using Gearbox.Planning.Control;

namespace Gearbox.Tests.Control;

/// <summary>The monitor's window bookkeeping (a plain class): sums, percentiles, queues, the ring.</summary>
public class LoadWindowsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_window_sums_the_reports_it_received_and_the_next_starts_empty()
    {
        var windows = new LoadWindows(10, 100);
        windows.Add(new EntranceReport(3, 2, 1, 4, [1, 2], "a", 100), T0);
        windows.Add(new EntranceReport(2, 2, 0, 5, [3, 100], "b", 100), T0);
        windows.Add(new StageReport("p/classify", new() { ["mlp"] = 5, ["cnn-small"] = 2 }, new() { ["mlp"] = 2 }));
        windows.Add(new WorkerReport("p/classify/mlp/0", "mlp", 6, 2, 5, 1), T0);
        windows.Add(new WorkerReport("p/classify/mlp/1", "mlp", 1, 1, 1, 0), T0);

        var (w, sample) = windows.Close(T0.AddMilliseconds(100));
        Assert.Equal(new RateSample(50, 100), sample); // two entrances: 30 + 20 req/s
        Assert.Equal((5, 4, 1, 9), (w.Arrivals, w.Completed, w.Dropped, w.InFlight)); // in flight: 4 at "a" + 5 at "b"
        Assert.Equal(7, w.Queue);
        Assert.Equal(new ModelWindow(5, 2, 7, 3, 2, 1), w.PerModel["mlp"]);
        Assert.Equal(2, w.PerModel["cnn-small"].Arrivals);
        Assert.Equal(2, w.P50Ms);
        Assert.Equal(100, w.P99Ms);

        var (next, _) = windows.Close(T0.AddMilliseconds(200));
        Assert.Equal(0, next.Arrivals);
        Assert.Equal(7, next.Queue); // queues are states, not counts: the latest report holds until the next one
    }

    [Fact]
    public void A_worker_that_fell_silent_stops_counting_towards_the_queue()
    {
        var windows = new LoadWindows(10, 100);
        windows.Add(new WorkerReport("p/s/mlp/0", "mlp", 9, 0, 0, 0), T0);
        Assert.Equal(9, windows.Close(T0.AddSeconds(1)).Window.Queue);
        Assert.Equal(0, windows.Close(T0 + LoadWindows.WorkerSilence + TimeSpan.FromSeconds(1)).Window.Queue);
    }

    [Fact]
    public void Keeps_the_newest_windows_oldest_first()
    {
        var windows = new LoadWindows(3, 100);
        for (var i = 1; i <= 5; i++)
        {
            windows.Add(new EntranceReport(i, 0, 0, 0, [], "a", 100), T0);
            windows.Close(T0.AddMilliseconds(100 * i));
        }
        Assert.Equal([3L, 4L, 5L], windows.Recent(0).Select(w => w.Arrivals));
        Assert.Equal([4L, 5L], windows.Recent(2).Select(w => w.Arrivals));
    }

    [Fact]
    public void A_drifting_entrance_timer_reads_as_its_rate_whether_a_window_got_two_reports_or_none()
    {
        var windows = new LoadWindows(10, 100);
        windows.Add(new EntranceReport(10, 0, 0, 0, [], "a", 100), T0);
        windows.Add(new EntranceReport(10, 0, 0, 0, [], "a", 100), T0.AddMilliseconds(95));
        Assert.Equal(new RateSample(100, 200), windows.Close(T0.AddMilliseconds(100)).Sample); // 20 over 200 ms, not 20 in one window
        Assert.Null(windows.Close(T0.AddMilliseconds(200)).Sample);                            // the next report is just late
        Assert.Equal(new RateSample(0, 100), windows.Close(T0.AddMilliseconds(300)).Sample);   // silent for 2 windows: no traffic
    }
}
