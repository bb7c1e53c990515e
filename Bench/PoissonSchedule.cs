namespace Gearbox.Bench;

/// <summary>
/// Open-loop arrival times: a Poisson process at a given rate, as offsets from the start, computed up
/// front so sending never drifts (each send waits for start + offset, not for the previous send).
/// </summary>
public static class PoissonSchedule
{
    public static double[] OffsetsMs(double ratePerSecond, double durationSeconds, int maxRequests, int seed)
    {
        var random = new Random(seed);
        var offsets = new List<double>();
        var meanGapMs = 1000.0 / ratePerSecond;
        var at = 0.0;
        while (offsets.Count < maxRequests)
        {
            at += -Math.Log(1 - random.NextDouble()) * meanGapMs; // exponential gap; 1 - u avoids log(0)
            if (at >= durationSeconds * 1000) break;
            offsets.Add(at);
        }
        return [.. offsets];
    }
}
