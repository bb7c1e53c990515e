using Gearbox.Devices;
using Microsoft.Extensions.Time.Testing;

namespace Gearbox.Tests.Devices;

/// <summary>Emulated device timing on a fake clock (no real waiting): completion at the profiled latency, late batches, one batch at a time.</summary>
public class EmulatedDevicesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_batch_computed_early_waits_out_the_profiled_latency()
    {
        var done = EmulatedTiming.Complete(startedAtMs: 100, profiledMs: 12, computedAtMs: 103);
        Assert.Equal(new EmulatedCompletion(9, Late: false, DeviceMs: 12), done);
    }

    [Fact]
    public void A_batch_computed_after_the_profiled_latency_is_late_and_takes_its_compute_time()
    {
        var done = EmulatedTiming.Complete(startedAtMs: 100, profiledMs: 12, computedAtMs: 130);
        Assert.Equal(new EmulatedCompletion(0, Late: true, DeviceMs: 30), done);
    }

    [Fact]
    public async Task RunAsync_completes_only_once_the_clock_reaches_the_profiled_latency()
    {
        var clock = new FakeTimeProvider();
        var devices = new EmulatedDevices(new DeviceOptions { Emulate = 1 }, clock);
        var run = devices.RunAsync(0, 10, () => Task.FromResult(42));
        clock.Advance(TimeSpan.FromMilliseconds(9));
        await Task.Delay(20);
        Assert.False(run.IsCompleted, "the batch completed before the device's profiled latency");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var (result, completion) = await run.WaitAsync(Patience);
        Assert.Equal(42, result);
        Assert.False(completion.Late);
        Assert.Equal(10, completion.DeviceMs, 6);
        Assert.Equal((1L, 0L, 0L), devices.Counts);
    }

    [Fact]
    public async Task RunAsync_counts_a_batch_whose_real_compute_outran_the_device_as_late()
    {
        var clock = new FakeTimeProvider();
        var devices = new EmulatedDevices(new DeviceOptions { Emulate = 1 }, clock);
        var (_, completion) = await devices.RunAsync(0, 10, () =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(15)); // the CPU took longer than the device would have
            return Task.FromResult(0);
        }).WaitAsync(Patience);
        Assert.True(completion.Late);
        Assert.Equal(15, completion.DeviceMs, 6);
        Assert.Equal((1L, 1L, 0L), devices.Counts);
    }

    [Fact]
    public async Task A_device_runs_one_batch_at_a_time_while_another_device_runs_in_parallel()
    {
        var clock = new FakeTimeProvider();
        var devices = new EmulatedDevices(new DeviceOptions { Emulate = 2 }, clock);
        var entered = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        Task<(int, EmulatedCompletion)> Run(int device, int i) => devices.RunAsync(device, 10, () => { entered[i].SetResult(); return Task.FromResult(i); });

        var first = Run(0, 0);
        var second = Run(0, 1); // same device: waits for the first
        var other = Run(1, 2); // another device: runs at once
        await entered[0].Task.WaitAsync(Patience);
        await entered[2].Task.WaitAsync(Patience);
        await Task.Delay(20);
        Assert.False(entered[1].Task.IsCompleted, "a second batch started on a device that was still running one");
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await first.WaitAsync(Patience);
        await other.WaitAsync(Patience);
        await entered[1].Task.WaitAsync(Patience);
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await second.WaitAsync(Patience);
        Assert.Equal((3L, 0L, 0L), devices.Counts);
    }

    [Fact]
    public void Workers_get_the_device_with_the_fewest_workers_and_keep_it()
    {
        var devices = new EmulatedDevices(new DeviceOptions { Emulate = 2 }, TimeProvider.System);
        Assert.Equal(0, devices.Assign("a"));
        Assert.Equal(1, devices.Assign("b"));
        Assert.Equal(0, devices.Assign("c"));
        Assert.Equal(0, devices.Assign("a"));
        devices.Release("b");
        Assert.Equal(1, devices.Assign("d"));
    }

    [Fact]
    public void Bad_settings_stop_with_the_reason()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new EmulatedDevices(new DeviceOptions { Emulate = 2, Slowdown = 0 }, TimeProvider.System));
        Assert.Contains("Gearbox:Devices:Slowdown", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => new EmulatedDevices(new DeviceOptions { Emulate = 2, EmulatedProfile = "no-such-gpu" }, TimeProvider.System));
        Assert.Contains("v100-bert", e.Message); // names the shipped ones
    }
}
