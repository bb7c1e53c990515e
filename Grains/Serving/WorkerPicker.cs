namespace Gearbox.Serving;

/// <summary>Chooses the replica with the least outstanding items; ties go round-robin.</summary>
public sealed class WorkerPicker
{
    private readonly Dictionary<string, int> _outstanding = new(StringComparer.Ordinal);
    private int _turn;

    public string Pick(IReadOnlyList<string> workers)
    {
        if (workers.Count == 0) throw new InvalidOperationException("No workers to pick from.");
        var start = _turn++ % workers.Count;
        var best = workers[start];
        for (var i = 1; i < workers.Count; i++)
        {
            var candidate = workers[(start + i) % workers.Count];
            if (Outstanding(candidate) < Outstanding(best)) best = candidate;
        }
        return best;
    }

    public int Outstanding(string worker) => _outstanding.GetValueOrDefault(worker);

    public void Started(string worker, int items) => _outstanding[worker] = Outstanding(worker) + items;

    public void Finished(string worker, int items) => _outstanding[worker] = Math.Max(0, Outstanding(worker) - items);
}
