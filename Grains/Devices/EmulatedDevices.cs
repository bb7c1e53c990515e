using Gearbox.Contracts.Profiles;
using Gearbox.Serving;

namespace Gearbox.Devices;

/// <summary>
/// This silo's emulated accelerators (Gearbox:Devices:Emulate, none by default). A worker is given the
/// device with the fewest workers when it is configured; a batch waits for its device (one batch at a time
/// per device), runs the real model, and completes no earlier than the device's profiled latency for its
/// size (<see cref="EmulatedTiming"/>). Batches whose real compute took longer are counted as late.
/// </summary>
public sealed class EmulatedDevices
{
    private readonly SemaphoreSlim[] _locks;
    private readonly int[] _running;
    private readonly Dictionary<string, int> _assigned = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private long _batches, _late, _overlaps;

    public EmulatedDevices(DeviceOptions options, TimeProvider clock)
    {
        if (options.Problem() is { } problem) throw new InvalidOperationException(problem + ".");
        Options = options;
        _clock = clock;
        Profile = options.IsEmulated ? EmulatedDeviceProfile.Load(options.EmulatedProfile) : null;
        _locks = Enumerable.Range(0, options.Emulate).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        _running = new int[options.Emulate];
    }

    public DeviceOptions Options { get; }

    /// <summary>The latency tables emulated; null when emulation is off.</summary>
    public EmulatedDeviceProfile? Profile { get; }

    public bool IsOn => Profile is not null;

    /// <summary>Batches run on emulated devices so far, those whose real compute outran the device, and times a device was found running two (never, by design).</summary>
    public (long Batches, long Late, long Overlaps) Counts => (Interlocked.Read(ref _batches), Interlocked.Read(ref _late), Interlocked.Read(ref _overlaps));

    /// <summary>The measured profile as the emulated device would run it (its latency × the slow-down).</summary>
    public ModelProfile Emulate(ModelProfile measured) => (Profile ?? throw new InvalidOperationException("Emulation is off.")).Apply(measured, Options.Slowdown);

    /// <summary>The device of <paramref name="worker"/>: the one it has, or the one with the fewest workers (lowest index on ties).</summary>
    public int Assign(string worker)
    {
        lock (_assigned)
        {
            if (_assigned.TryGetValue(worker, out var device)) return device;
            var load = new int[_locks.Length];
            foreach (var d in _assigned.Values) load[d]++;
            device = Array.IndexOf(load, load.Min());
            _assigned[worker] = device;
            return device;
        }
    }

    public void Release(string worker)
    {
        lock (_assigned) _assigned.Remove(worker);
    }

    /// <summary>Runs <paramref name="compute"/> on <paramref name="device"/> and completes at the device's pace.</summary>
    /// <param name="profiledMs">The device's latency for this batch (slow-down applied).</param>
    public async Task<(T Result, EmulatedCompletion Completion)> RunAsync<T>(int device, double profiledMs, Func<Task<T>> compute)
    {
        await _locks[device].WaitAsync();
        try
        {
            if (Interlocked.Increment(ref _running[device]) > 1) Interlocked.Increment(ref _overlaps);
            var started = _clock.GetTimestamp();
            var result = await compute();
            var completion = EmulatedTiming.Complete(0, profiledMs, _clock.GetElapsedTime(started).TotalMilliseconds);
            // Timers count coarse milliseconds and can fire a little early by the stopwatch: wait again until the device's time is really up.
            for (var left = completion.WaitMs; left > 0; left = profiledMs - _clock.GetElapsedTime(started).TotalMilliseconds)
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left)), _clock);
            Interlocked.Increment(ref _batches);
            if (completion.Late)
            {
                Interlocked.Increment(ref _late);
                GearboxMetrics.EmulatedLateBatches.Add(1, new KeyValuePair<string, object?>("profile", Profile?.Name));
            }
            return (result, completion);
        }
        finally
        {
            Interlocked.Decrement(ref _running[device]);
            _locks[device].Release();
        }
    }
}
