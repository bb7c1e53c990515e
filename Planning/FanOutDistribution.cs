namespace Gearbox.Planning;

/// <summary>
/// The tile detector's measured fan-out: how many items one request becomes for the next stage
/// (occupied tiles per validation grid). The cascade's load is the request rate times <see cref="Mean"/>.
/// </summary>
public sealed class FanOutDistribution
{
    private readonly int[] _samples;
    private readonly double[] _probability;

    public FanOutDistribution(int[] samples)
    {
        if (samples.Length == 0) throw new ArgumentException("A fan-out distribution needs at least one sample.", nameof(samples));
        if (samples.Any(s => s < 0)) throw new ArgumentException("Fan-out samples must be non-negative.", nameof(samples));
        _samples = samples;
        Max = samples.Max();
        _probability = new double[Max + 1];
        foreach (var s in samples) _probability[s] += 1.0 / samples.Length;
        Mean = samples.Average();
    }

    /// <summary>No fan-out: one request is one item.</summary>
    public static FanOutDistribution One { get; } = new([1]);

    public double Mean { get; }
    public int Max { get; }

    public double Probability(int fanOut) => fanOut >= 0 && fanOut <= Max ? _probability[fanOut] : 0;

    /// <summary>One measured fan-out drawn uniformly from the validation grids.</summary>
    public int Sample(Random random) => _samples[random.Next(_samples.Length)];

    /// <summary>
    /// Probability that at least one of a request's items reaches a model that each item reaches with
    /// probability <paramref name="reach"/>, items independent: 1 − E[(1 − reach)^F].
    /// </summary>
    public double AnyReaches(double reach)
    {
        var none = 0.0;
        for (var f = 0; f <= Max; f++) if (_probability[f] > 0) none += _probability[f] * Math.Pow(1 - reach, f);
        return 1 - none;
    }
}
