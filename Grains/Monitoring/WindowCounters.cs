using Gearbox.Contracts.Monitoring;

namespace Gearbox.Monitoring;

/// <summary>
/// What a pipeline's entrance counts between two pushes to its monitor; taking a report resets it.
/// <see cref="Take"/> runs on every timer tick, reporting or not, so a report's interval is the time
/// since the previous tick (not since the previous report).
/// </summary>
public sealed class EntranceCounter(string source, double startedAtMs)
{
    private readonly List<float> _latencies = [];
    private long _arrivals, _completed, _dropped;
    private int _lastInFlight;
    private double _lastTickMs = startedAtMs;

    public int InFlight { get; private set; }

    public void Arrived()
    {
        _arrivals++;
        InFlight++;
    }

    public void Finished(double latencyMs, bool dropped)
    {
        InFlight--;
        _completed++;
        if (dropped) _dropped++;
        _latencies.Add((float)latencyMs);
    }

    /// <summary>The report since the last tick, or null when there is nothing new to say.</summary>
    public EntranceReport? Take(double nowMs)
    {
        var interval = nowMs - _lastTickMs;
        _lastTickMs = nowMs;
        if (_arrivals == 0 && _completed == 0 && InFlight == _lastInFlight) return null;
        var report = new EntranceReport(_arrivals, _completed, _dropped, InFlight, [.. _latencies], source, interval);
        _arrivals = _completed = _dropped = 0;
        _latencies.Clear();
        _lastInFlight = InFlight;
        return report;
    }
}

/// <summary>What a cascade stage counts per model between two pushes: items sent to each model, items it passed on.</summary>
public sealed class StageCounter(string stage)
{
    private readonly Dictionary<string, long> _arrivals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _forwarded = new(StringComparer.Ordinal);

    public void Sent(string model, int items) => _arrivals[model] = _arrivals.GetValueOrDefault(model) + items;

    public void Forwarded(string model, int items)
    {
        if (items > 0) _forwarded[model] = _forwarded.GetValueOrDefault(model) + items;
    }

    public StageReport? Take()
    {
        if (_arrivals.Count == 0) return null;
        var report = new StageReport(stage, new Dictionary<string, long>(_arrivals), new Dictionary<string, long>(_forwarded));
        _arrivals.Clear();
        _forwarded.Clear();
        return report;
    }
}

/// <summary>What a worker counts between two pushes: batches, items batched and dropped, engine-busy ms; it reports its queue too.</summary>
public sealed class WorkerCounter
{
    private long _batches, _items, _dropped;
    private double _busyMs;
    private int _lastQueue = -1;

    public void Batch(int items, double busyMs)
    {
        _batches++;
        _items += items;
        _busyMs += busyMs;
    }

    public void Dropped(int items) => _dropped += items;

    public WorkerReport? Take(string worker, string model, int queue)
    {
        if (_batches == 0 && _dropped == 0 && queue == _lastQueue) return null;
        var report = new WorkerReport(worker, model, queue, _batches, _items, _dropped, _busyMs);
        _batches = _items = _dropped = 0;
        _busyMs = 0;
        _lastQueue = queue;
        return report;
    }
}
