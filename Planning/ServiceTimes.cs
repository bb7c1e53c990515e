using Gearbox.Contracts.Profiles;

namespace Gearbox.Planning;

/// <summary>
/// A model's batch latency l(b) for b = 1..<see cref="MaxBatch"/>, tabulated once from its profile
/// (median, interpolated between measured sizes) so the search and the simulator read it in O(1).
/// </summary>
public sealed class ServiceTimes
{
    private readonly double[] _ms;

    public ServiceTimes(string model, Func<int, double> latencyMs, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        Model = model;
        _ms = new double[maxBatch + 1];
        for (var b = 1; b <= maxBatch; b++)
        {
            // Enforce non-decreasing latency: a noisy profile must not make a bigger batch look faster.
            _ms[b] = Math.Max(latencyMs(b), _ms[b - 1]);
            if (!(_ms[b] > 0)) throw new InvalidDataException($"Model '{model}' has a non-positive latency at batch {b}.");
        }
    }

    public static ServiceTimes FromProfile(ModelProfile profile) =>
        new(profile.Model, profile.LatencyMs, Math.Max(1, profile.Latency.Max(p => p.BatchSize)));

    /// <summary>l(b) measured with <paramref name="threads"/> intra-op threads (a thread count the profile holds).</summary>
    public static ServiceTimes FromProfile(ModelProfile profile, int threads)
    {
        var points = profile.LatencyFor(threads) ?? throw new ArgumentException($"Profile of '{profile.Model}' has no latency at {threads} thread(s).");
        return new(profile.Model, b => profile.LatencyMs(b, threads), Math.Max(1, points.Max(p => p.BatchSize)));
    }

    public string Model { get; }

    /// <summary>Largest batch size measured; the planner never plans beyond it.</summary>
    public int MaxBatch => _ms.Length - 1;

    /// <summary>l(b) in ms; sizes above the largest measured one scale linearly (never planned, but the policy may ask).</summary>
    public double Ms(int batch) => batch <= MaxBatch ? _ms[Math.Max(1, batch)] : _ms[MaxBatch] * batch / MaxBatch;

    /// <summary>The batch sizes the search tries: powers of two up to the largest measured size, plus that size.</summary>
    public int[] BatchCandidates()
    {
        var list = new List<int>();
        for (var b = 1; b <= MaxBatch; b *= 2) list.Add(b);
        if (list[^1] != MaxBatch) list.Add(MaxBatch);
        return [.. list];
    }
}
