namespace Gearbox.Batching;

/// <summary>
/// A worker's latency model l(b): seeded from the model's profile when there is one, then corrected
/// by what the worker measures (an exponential average per power-of-two batch bucket), so the batcher
/// follows the machine it actually runs on. Without either, a cautious linear guess.
/// One measurement moves the estimate only part of the way, and one far off counts as at most
/// <see cref="OutlierFactor"/> times the current estimate: a single slow batch (a cold start, a GC
/// pause) must not make every later item look hopeless, because a worker that drops everything
/// measures nothing more and would never recover.
/// </summary>
public sealed class LatencyTracker
{
    private const double Smoothing = 0.2;
    private const double OutlierFactor = 4;
    private readonly Func<int, double>? _profile;
    private readonly double[] _observed = new double[16];
    private readonly double _threadsScale;

    /// <param name="profile">Profiled median latency per batch size, if the model has a profile.</param>
    /// <param name="profiledThreads">Threads the profile was measured with.</param>
    /// <param name="threads">Threads this worker runs with; compute scales roughly with their ratio.</param>
    public LatencyTracker(Func<int, double>? profile, int profiledThreads = 1, int threads = 1)
    {
        _profile = profile;
        _threadsScale = Math.Clamp((double)profiledThreads / Math.Max(1, threads), 0.25, 4);
    }

    public double EstimateMs(int batch)
    {
        var bucket = Bucket(batch);
        var bucketSize = 1 << bucket;
        if (_observed[bucket] > 0) return _observed[bucket] * batch / bucketSize;
        if (_profile is not null) return _profile(batch) * _threadsScale;
        return 1.0 + 0.25 * batch;
    }

    public void Observe(int batch, double milliseconds)
    {
        var bucket = Bucket(batch);
        var bucketSize = 1 << bucket;
        var current = EstimateMs(bucketSize);
        var normalised = Math.Clamp(milliseconds * bucketSize / batch, current / OutlierFactor, current * OutlierFactor);
        _observed[bucket] = (1 - Smoothing) * current + Smoothing * normalised;
    }

    private static int Bucket(int batch) => Math.Clamp((int)Math.Floor(Math.Log2(Math.Max(1, batch))), 0, 15);
}
