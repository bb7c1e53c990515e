using System.Diagnostics;

namespace Gearbox.Serving;

/// <summary>Unix time in fractional milliseconds, monotonic within a process (deadlines compare across silos by wall clock).</summary>
public static class UnixClock
{
    private static readonly double BaseMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private static readonly long BaseTicks = Stopwatch.GetTimestamp();

    public static double NowMs => BaseMs + Stopwatch.GetElapsedTime(BaseTicks).TotalMilliseconds;
}
