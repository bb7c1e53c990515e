using Gearbox.Contracts.Monitoring;
using Gearbox.Planning.Control;
using Gearbox.Profiling;

namespace Gearbox.Monitoring;

/// <summary>
/// The monitor's bookkeeping, as a plain class: reports add into the open window; <see cref="Close"/>
/// ends it (queue = the sum of each worker's latest reported queue), keeps it in a ring of the last
/// <c>capacity</c> windows and starts the next.
/// </summary>
public sealed class LoadWindows(int capacity, double windowMs)
{
    /// <summary>A worker that has not reported for this long no longer counts towards the queue (its activation is gone).</summary>
    public static readonly TimeSpan WorkerSilence = TimeSpan.FromSeconds(5);

    private readonly LoadWindow[] _ring = new LoadWindow[capacity];
    private readonly Dictionary<string, (string Model, int Queue, DateTimeOffset At)> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelCounts> _models = new(StringComparer.Ordinal);
    private readonly List<float> _latencies = [];
    private readonly Dictionary<string, (long Arrivals, double IntervalMs)> _sources = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastEntranceReport;
    private int _next, _count;
    private long _arrivals, _completed, _dropped;
    private readonly Dictionary<string, (int InFlight, DateTimeOffset At)> _inFlight = new(StringComparer.Ordinal);

    public void Add(EntranceReport report, DateTimeOffset now)
    {
        var (arrivals, interval) = _sources.GetValueOrDefault(report.Source);
        _sources[report.Source] = (arrivals + report.Arrivals, interval + report.IntervalMs);
        _lastEntranceReport = now;
        _arrivals += report.Arrivals;
        _completed += report.Completed;
        _dropped += report.Dropped;
        _inFlight[report.Source] = (report.InFlight, now);
        _latencies.AddRange(report.LatenciesMs);
    }

    public void Add(StageReport report)
    {
        foreach (var (model, n) in report.Arrivals) Model(model).Arrivals += n;
        foreach (var (model, n) in report.Forwarded) Model(model).Forwarded += n;
    }

    public void Add(WorkerReport report, DateTimeOffset now)
    {
        var counts = Model(report.Model);
        counts.Batches += report.Batches;
        counts.BatchItems += report.BatchItems;
        counts.Dropped += report.Dropped;
        counts.BusyMs += report.BusyMs;
        _queues[report.Worker] = (report.Model, report.Queue, now);
    }

    /// <summary>
    /// Ends the open window. Its rate sample is the sum over entrances of arrivals ÷ reported interval;
    /// none when no entrance reported but one did within the last 1.5 windows (its timer just drifted
    /// past this one); zero when the entrances have been silent longer (no traffic).
    /// </summary>
    public (LoadWindow Window, RateSample? Sample) Close(DateTimeOffset at)
    {
        RateSample? sample = null;
        if (_sources.Count > 0)
            sample = new RateSample(_sources.Values.Sum(s => s.IntervalMs > 0 ? s.Arrivals * 1000 / s.IntervalMs : 0), _sources.Values.Max(s => s.IntervalMs));
        else if (_lastEntranceReport is null || (at - _lastEntranceReport.Value).TotalMilliseconds > 1.5 * windowMs)
            sample = new RateSample(0, windowMs);
        _sources.Clear();

        foreach (var stale in _queues.Where(q => at - q.Value.At > WorkerSilence).Select(q => q.Key).ToList()) _queues.Remove(stale);
        // Requests in flight: the sum of each entrance's latest report (there is one entrance per router activation).
        foreach (var stale in _inFlight.Where(e => at - e.Value.At > WorkerSilence).Select(e => e.Key).ToList()) _inFlight.Remove(stale);
        var inFlight = _inFlight.Values.Sum(e => e.InFlight);
        var queuePerModel = _queues.Values.GroupBy(q => q.Model).ToDictionary(g => g.Key, g => g.Sum(q => q.Queue), StringComparer.Ordinal);
        foreach (var model in queuePerModel.Keys) Model(model);
        var perModel = _models.ToDictionary(m => m.Key, m => new ModelWindow(
            m.Value.Arrivals, m.Value.Forwarded, queuePerModel.GetValueOrDefault(m.Key), m.Value.Batches,
            m.Value.Batches == 0 ? 0 : (double)m.Value.BatchItems / m.Value.Batches, m.Value.Dropped, m.Value.BusyMs), StringComparer.Ordinal);
        var latencies = _latencies.Select(l => (double)l).Order().ToArray();
        var window = new LoadWindow(at, _arrivals, perModel, queuePerModel.Values.Sum(), inFlight, _dropped,
            Profiler.Percentile(latencies, 0.50), Profiler.Percentile(latencies, 0.99), _completed);

        _ring[_next] = window;
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
        _arrivals = _completed = _dropped = 0;
        _latencies.Clear();
        _models.Clear();
        return (window, sample);
    }

    /// <summary>The newest <paramref name="newest"/> windows (all kept when 0 or more), oldest first.</summary>
    public LoadWindow[] Recent(int newest)
    {
        var n = newest <= 0 ? _count : Math.Min(newest, _count);
        var result = new LoadWindow[n];
        for (var i = 0; i < n; i++) result[i] = _ring[(_next - n + i + _ring.Length) % _ring.Length];
        return result;
    }

    private ModelCounts Model(string model)
    {
        if (!_models.TryGetValue(model, out var counts)) _models[model] = counts = new ModelCounts();
        return counts;
    }

    private sealed class ModelCounts
    {
        public long Arrivals, Forwarded, Batches, BatchItems, Dropped;
        public double BusyMs;
    }
}
