using Gearbox.Contracts.Profiles;

namespace Gearbox.Planning;

/// <summary>One latency measurement: a batch of <see cref="Batch"/> items on <see cref="Cores"/> cores took <see cref="Ms"/>.</summary>
public readonly record struct LatencySample(int Batch, double Cores, double Ms);

/// <summary>
/// Sponge's latency model l(b, c) = γ·b/c + δ·b + ε/c + η for a batch of b on c cores, fitted by least
/// squares. With samples at one core count only, b/c and b (and 1/c and 1) are collinear: the fit then
/// puts all of the cost on the 1/c terms (γ, ε; perfect scaling) and says so with <see cref="Identifiable"/> false,
/// since the data cannot tell how much of it would shrink with more cores.
/// </summary>
public sealed record SpongeLatencyModel(double Gamma, double Delta, double Epsilon, double Eta, bool Identifiable)
{
    public double Ms(int batch, double cores) => Gamma * batch / cores + Delta * batch + Epsilon / cores + Eta;

    public static SpongeLatencyModel Fit(IReadOnlyList<LatencySample> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("No latency samples to fit.", nameof(samples));
        var coreCounts = samples.Select(s => s.Cores).Distinct().Count();
        if (coreCounts < 2)
        {
            var c = samples[0].Cores;
            var line = LeastSquares(samples.Select(s => new[] { s.Batch, 1.0 }).ToArray(), samples.Select(s => s.Ms).ToArray());
            return new SpongeLatencyModel(line[0] * c, 0, line[1] * c, 0, Identifiable: false);
        }
        var theta = LeastSquares(samples.Select(s => new[] { s.Batch / s.Cores, s.Batch, 1 / s.Cores, 1.0 }).ToArray(), samples.Select(s => s.Ms).ToArray());
        return new SpongeLatencyModel(theta[0], theta[1], theta[2], theta[3], Identifiable: true);
    }

    /// <summary>A profile's median latencies at every thread count it measured, as samples for <see cref="Fit(IReadOnlyList{LatencySample})"/>.</summary>
    public static List<LatencySample> Samples(ModelProfile profile) =>
        profile.ThreadCounts().SelectMany(t => profile.LatencyFor(t)!.Select(l => new LatencySample(l.BatchSize, t, l.MedianMs))).ToList();

    /// <summary>Fits one profile at all its thread counts: identifiable when it measured two or more.</summary>
    public static SpongeLatencyModel Fit(ModelProfile profile) => Fit(Samples(profile));

    /// <summary>Fits a model's profiles (one per thread count) on their median latencies.</summary>
    public static SpongeLatencyModel Fit(IEnumerable<ModelProfile> profiles) =>
        Fit(profiles.SelectMany(p => p.Latency.Select(l => new LatencySample(l.BatchSize, p.Threads, l.MedianMs))).ToList());

    public double RmsErrorMs(IEnumerable<LatencySample> samples) =>
        Math.Sqrt(samples.Select(s => Math.Pow(Ms(s.Batch, s.Cores) - s.Ms, 2)).Average());

    private static double[] LeastSquares(double[][] x, double[] y) =>
        Planning.LeastSquares.Solve(x, y, absoluteTolerance: 1e-12)
        ?? throw new InvalidDataException("The latency samples do not determine the model (too few distinct batch sizes or core counts).");
}
