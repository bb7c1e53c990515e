namespace Gearbox.Devices;

/// <summary>
/// When an emulated batch completes: at its start plus the device's profiled latency for its size. The real
/// compute runs meanwhile; if it took longer than the device would have, the batch completes when the compute
/// does and counts as late (the emulation could not keep the device's pace on this machine's CPU).
/// </summary>
public static class EmulatedTiming
{
    /// <param name="startedAtMs">When the batch got its device.</param>
    /// <param name="profiledMs">The device's latency for this batch size (slow-down applied).</param>
    /// <param name="computedAtMs">When the real compute finished.</param>
    public static EmulatedCompletion Complete(double startedAtMs, double profiledMs, double computedAtMs)
    {
        var due = startedAtMs + profiledMs;
        return computedAtMs <= due
            ? new EmulatedCompletion(due - computedAtMs, Late: false, profiledMs)
            : new EmulatedCompletion(0, Late: true, computedAtMs - startedAtMs);
    }
}

/// <param name="WaitMs">How much longer to hold the batch before answering.</param>
/// <param name="Late">The real compute outran the device's profiled latency.</param>
/// <param name="DeviceMs">The batch's duration on the emulated device: the profiled latency, or the real compute's when late.</param>
public readonly record struct EmulatedCompletion(double WaitMs, bool Late, double DeviceMs);
