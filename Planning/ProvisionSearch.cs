namespace Gearbox.Planning;

/// <summary>
/// For one threshold vector at one load: the fewest devices (cores) whose estimated end-to-end p99
/// meets the SLO, and among those the provision closest to the previous gear's.
/// </summary>
/// <remarks>
/// A unit (model) is provisioned as r replicas × t threads (Sponge's vertical scaling; t among the
/// thread counts its profile measured), r·t cores. Per unit, replica count and thread count, the best
/// max batch is the one with the lowest p99 (on ties the larger, while a full batch fits a quarter of the SLO).
/// The CPU the gear needs is every unit's busy cores (items/s × t × l(b)/b at its operating batch) plus
/// the serving path's (HTTP + Orleans, from the measured <see cref="Contracts.Profiles.ServingCost"/>),
/// all on the same cores: a provision uses max(Σ r·t, ⌈CPU / cap⌉) devices, which must fit the budget.
/// The serving path's added latency is part of the p99 path. A knapsack over units (state: cores
/// allocated; per state the Pareto set of p99-path latency and busy cores) gives the least device count;
/// the provisions with that count are then enumerated for the tie-break.
/// </remarks>
public sealed class ProvisionSearch
{
    private readonly PipelineModel _model;
    private readonly double _cap;
    private readonly int[][] _batchCandidates;

    /// <param name="cpuCap">Share of the devices' CPU the gear may keep busy (replicas + serving path).</param>
    public ProvisionSearch(PipelineModel model, double cpuCap = QueueingEstimate.MaxUtilisation)
    {
        if (!(cpuCap > 0 && cpuCap <= 1)) throw new ArgumentOutOfRangeException(nameof(cpuCap), cpuCap, "The CPU cap must be in (0, 1].");
        _model = model;
        _cap = cpuCap;
        _batchCandidates = model.Service.Select(s => s.BatchCandidates()).ToArray();
    }

    public double CpuCap => _cap;

    /// <summary>Devices a provision needs: the cores its replicas hold, or more when its CPU exceeds what those give at the cap.</summary>
    public static int DevicesNeeded(int allocatedCores, double busyCores, double cap) =>
        Math.Max(allocatedCores, (int)Math.Ceiling(busyCores / cap - 1e-9));

    /// <summary>Least devices at <paramref name="load"/> req/s for these unit rates, or null when nothing within <paramref name="devices"/> holds the SLO.</summary>
    public int? MinDevices(double load, double[] rates, double[] requestTail, double sloMs, int devices)
    {
        Solve(load, rates, requestTail, sloMs, devices, previous: null, enumerate: false, out var least);
        return least;
    }

    /// <summary>The chosen provision with the least devices, or null when nothing within the budget holds the SLO.</summary>
    public Provision? Best(double load, double[] rates, double[] requestTail, double sloMs, int devices, int[]? previous) =>
        Solve(load, rates, requestTail, sloMs, devices, previous, enumerate: true, out _);

    /// <summary>One way to provision one unit. <see cref="PathMs"/> is its p99 when it is on the p99 path, else 0.</summary>
    private readonly record struct Option(int Replicas, int Threads, int MaxBatch, double PathMs, double Cores)
    {
        public int Devices => Replicas * Threads;
    }

    private Provision? Solve(double load, double[] rates, double[] requestTail, double sloMs, int devices, int[]? previous, bool enumerate, out int? leastDevices)
    {
        leastDevices = null;
        var units = rates.Length;
        var critical = TailPath.DeepestCritical(requestTail);
        var serving = _model.ServingCores(load, rates);
        var budgetMs = sloMs - _model.ServingLatencyMs;
        if (!(budgetMs > 0) || serving > _cap * devices) return null;

        var options = new List<Option>[units];
        for (var u = 0; u < units; u++)
        {
            options[u] = Options(u, rates[u], u <= critical, budgetMs, devices);
            if (options[u].Count == 0) return null;
        }

        // Knapsack over units: states[n] = Pareto set of (p99-path ms, busy cores) using exactly n cores.
        var states = new List<(double Path, double Cores)>[devices + 1];
        states[0] = [(0, 0)];
        for (var u = 0; u < units; u++)
        {
            var next = new List<(double Path, double Cores)>[devices + 1];
            for (var n = 0; n <= devices; n++)
            {
                if (states[n] is not { } list) continue;
                foreach (var (path, cores) in list)
                {
                    foreach (var o in options[u])
                    {
                        var m = n + o.Devices;
                        if (m > devices) continue;
                        var (p, c) = (path + o.PathMs, cores + o.Cores);
                        if (p > budgetMs || serving + c > _cap * devices) continue;
                        AddPareto(next[m] ??= [], p, c);
                    }
                }
            }
            states = next;
        }
        int? least = null;
        for (var n = 0; n <= devices; n++)
        {
            if (states[n] is not { } list) continue;
            foreach (var (_, cores) in list)
            {
                var needed = DevicesNeeded(n, serving + cores, _cap);
                if (needed <= devices && (least is null || needed < least)) least = needed;
            }
        }
        leastDevices = least;
        if (least is not { } target || !enumerate) return null;

        Provision? chosen = null;
        var picked = new Option[units];
        void Walk(int u, int allocated, double path, double cores)
        {
            if (path > budgetMs || allocated > target || serving + cores > _cap * target + 1e-9) return;
            if (u == units)
            {
                if (DevicesNeeded(allocated, serving + cores, _cap) != target) return;
                var candidate = new Provision(
                    picked.Select(o => o.Replicas).ToArray(), picked.Select(o => o.Threads).ToArray(), picked.Select(o => o.MaxBatch).ToArray(),
                    path + _model.ServingLatencyMs, serving + cores, target);
                if (chosen is null || Better(candidate, chosen, previous)) chosen = candidate;
                return;
            }
            foreach (var o in options[u])
            {
                picked[u] = o;
                Walk(u + 1, allocated + o.Devices, path + o.PathMs, cores + o.Cores);
            }
        }
        Walk(0, 0, 0, 0);
        return chosen;
    }

    /// <summary>Every stable way to provision unit <paramref name="u"/> within the budget (none for a unit that receives nothing: 0 replicas).</summary>
    private List<Option> Options(int u, double rate, bool onPath, double budgetMs, int devices)
    {
        // A unit that receives nothing needs no replica (a threshold of 0 upstream).
        if (rate <= 0) return [new Option(0, 1, 1, 0, 0)];
        var list = new List<Option>();
        foreach (var threads in _model.ThreadOptions(u))
        {
            var service = _model.ServiceAt(u, threads);
            for (var r = 1; r * threads <= devices; r++)
            {
                var best = double.PositiveInfinity;
                var bestBatch = 1;
                foreach (var b in _batchCandidates[u])
                {
                    if (b > service.MaxBatch) continue;
                    var p = QueueingEstimate.P99Ms(service, rate, r, b);
                    // On a tie the larger cap wins while a full batch stays within a quarter of the budget:
                    // the batcher sizes each batch by the deadlines anyway, and the headroom lets a worker
                    // catch up after a stall (a cold start, a descheduled thread on shared cores) instead of
                    // draining its queue one item per turn; beyond it a full batch would block the queue behind it.
                    if (p < best || (p == best && service.Ms(b) <= budgetMs / 4)) { best = p; bestBatch = b; }
                }
                if (double.IsPositiveInfinity(best)) continue;
                // Off the p99 path a unit need only be stable and not slower than the SLO by itself.
                if (!onPath && best > budgetMs) continue;
                var cores = QueueingEstimate.BusyCores(service, rate, r, threads, bestBatch, _model.EngineCpuMsPerBatch);
                list.Add(new Option(r, threads, bestBatch, onPath ? best : 0, cores));
            }
        }
        return list;
    }

    private static void AddPareto(List<(double Path, double Cores)> list, double path, double cores)
    {
        foreach (var (p, c) in list) if (p <= path && c <= cores) return;
        list.RemoveAll(e => e.Path >= path && e.Cores >= cores);
        list.Add((path, cores));
    }

    private static bool Better(Provision a, Provision b, int[]? previous)
    {
        var (da, db) = (a.ReplicaChanges(previous), b.ReplicaChanges(previous));
        if (da != db) return da < db;
        if (a.P99Ms != b.P99Ms) return a.P99Ms < b.P99Ms;
        return a.CpuCores < b.CpuCores;
    }
}
