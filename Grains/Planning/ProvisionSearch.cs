namespace Gearbox.Planning;

/// <summary>
/// For one threshold vector at one load: the fewest devices (replicas over all units) whose estimated
/// end-to-end p99 meets the SLO, and among those the provision closest to the previous gear's.
/// </summary>
/// <remarks>
/// Per unit and replica count, the best max batch is the one with the lowest p99 (smaller on ties,
/// which limits head-of-line blocking). A knapsack over units then gives the least device count whose
/// p99-path latency fits the SLO; the provisions with that count are enumerated for the tie-break.
/// </remarks>
public sealed class ProvisionSearch
{
    private readonly PipelineModel _model;
    private readonly int[][] _batchCandidates;

    public ProvisionSearch(PipelineModel model)
    {
        _model = model;
        _batchCandidates = model.Service.Select(s => s.BatchCandidates()).ToArray();
    }

    /// <summary>Least devices for these unit rates, or null when nothing within <paramref name="devices"/> holds the SLO.</summary>
    public int? MinDevices(double[] rates, double[] requestTail, double sloMs, int devices)
    {
        Solve(rates, requestTail, sloMs, devices, previous: null, enumerate: false, out var least);
        return least;
    }

    /// <summary>The chosen provision with the least devices, or null when nothing within the budget holds the SLO.</summary>
    public Provision? Best(double[] rates, double[] requestTail, double sloMs, int devices, int[]? previous) =>
        Solve(rates, requestTail, sloMs, devices, previous, enumerate: true, out _);

    private Provision? Solve(double[] rates, double[] requestTail, double sloMs, int devices, int[]? previous, bool enumerate, out int? leastDevices)
    {
        var units = rates.Length;
        var critical = TailPath.DeepestCritical(requestTail);
        // latency[u][c], batch[u][c]: best p99 of unit u with c replicas (∞ when it cannot hold its load).
        var latency = new double[units][];
        var batch = new int[units][];
        for (var u = 0; u < units; u++)
        {
            latency[u] = new double[devices + 1];
            batch[u] = new int[devices + 1];
            latency[u][0] = rates[u] <= 0 ? 0 : double.PositiveInfinity;
            batch[u][0] = 1;
            for (var c = 1; c <= devices; c++)
            {
                var best = double.PositiveInfinity;
                var bestBatch = 1;
                foreach (var b in _batchCandidates[u])
                {
                    var p = QueueingEstimate.P99Ms(_model.Service[u], rates[u], c, b);
                    if (p < best) { best = p; bestBatch = b; }
                }
                // Off the p99 path a unit need only be stable and not slower than the SLO by itself.
                if (u > critical && best > sloMs) best = double.PositiveInfinity;
                latency[u][c] = best;
                batch[u][c] = bestBatch;
            }
            // A unit that receives nothing needs no replica (a threshold of 0 upstream).
            if (rates[u] <= 0) { for (var c = 1; c <= devices; c++) latency[u][c] = double.PositiveInfinity; }
        }

        // Knapsack: pathMs[n] = least p99-path latency using exactly n devices over units seen so far.
        var pathMs = new double[devices + 1];
        Array.Fill(pathMs, double.PositiveInfinity);
        pathMs[0] = 0;
        for (var u = 0; u < units; u++)
        {
            var next = new double[devices + 1];
            Array.Fill(next, double.PositiveInfinity);
            for (var n = 0; n <= devices; n++)
            {
                if (double.IsPositiveInfinity(pathMs[n])) continue;
                for (var c = 0; n + c <= devices; c++)
                {
                    if (double.IsPositiveInfinity(latency[u][c])) continue;
                    var add = u <= critical ? latency[u][c] : 0;
                    if (pathMs[n] + add < next[n + c]) next[n + c] = pathMs[n] + add;
                }
            }
            pathMs = next;
        }
        var least = Array.FindIndex(pathMs, ms => ms <= sloMs);
        leastDevices = least < 0 ? null : least;
        if (least < 0 || !enumerate) return null;

        Provision? chosen = null;
        var replicas = new int[units];
        void Walk(int u, int left, double path)
        {
            if (path > sloMs) return;
            if (u == units)
            {
                if (left != 0) return;
                var candidate = new Provision((int[])replicas.Clone(), replicas.Select((c, i) => batch[i][c]).ToArray(), path);
                if (chosen is null || Better(candidate, chosen, previous)) chosen = candidate;
                return;
            }
            for (var c = 0; c <= left; c++)
            {
                if (double.IsPositiveInfinity(latency[u][c])) continue;
                replicas[u] = c;
                Walk(u + 1, left - c, path + (u <= critical ? latency[u][c] : 0));
            }
        }
        Walk(0, least, 0);
        return chosen;
    }

    private static bool Better(Provision a, Provision b, int[]? previous)
    {
        var (da, db) = (a.ReplicaChanges(previous), b.ReplicaChanges(previous));
        if (da != db) return da < db;
        return a.P99Ms < b.P99Ms;
    }
}
