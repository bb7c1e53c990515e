namespace Gearbox.Planning;

/// <summary>
/// The exact search for small instances, as a check on <see cref="GearPlanner"/>: every grid threshold
/// vector (replayed item by item), every replica vector, every threads-per-replica vector and every
/// max-batch vector, with the same queueing estimate, CPU rule (replicas' busy cores plus the serving
/// path within the cap) and p99-path rule. Exponential; tests only.
/// </summary>
public static class BruteForcePlanner
{
    public static int? MinDevices(PipelineModel model, double load, double sloMs, double minAccuracy, int devices,
        double cpuCap = QueueingEstimate.MaxUtilisation)
    {
        var units = model.Units.Length;
        var batches = model.Service.Select(s => s.BatchCandidates()).ToArray();
        var threadOptions = Enumerable.Range(0, units).Select(model.ThreadOptions).ToArray();
        var budgetMs = sloMs - model.ServingLatencyMs;
        int? best = null;
        foreach (var index in model.Estimator.GridPoints())
        {
            var outcome = model.Estimator.Evaluate(model.Estimator.ThresholdsOf(index));
            if (outcome.Accuracy < minAccuracy) continue;
            var rates = model.UnitRates(load, outcome);
            var serving = model.ServingCores(load, rates);
            var tail = model.RequestTail(outcome);
            var critical = 0;
            for (var u = 0; u < units; u++) if (tail[u] > TailPath.TailFraction) critical = u;

            foreach (var replicas in Vectors(units, devices + 1))
            {
                foreach (var threadIndex in Vectors(units, threadOptions.Max(t => t.Length)))
                {
                    if (threadIndex.Select((i, u) => i < threadOptions[u].Length).Contains(false)) continue;
                    var threads = threadIndex.Select((i, u) => threadOptions[u][i]).ToArray();
                    var allocated = replicas.Select((r, u) => r * threads[u]).Sum();
                    if (allocated > devices || (best is { } b && allocated >= b)) continue;
                    foreach (var batchIndex in Vectors(units, batches.Max(b => b.Length)))
                    {
                        var maxBatch = batchIndex.Select((i, u) => batches[u][Math.Min(i, batches[u].Length - 1)]).ToArray();
                        var needed = Needed(model, rates, replicas, threads, maxBatch, critical, budgetMs, serving, cpuCap);
                        if (needed is { } n && n <= devices && (best is null || n < best)) best = n;
                    }
                }
            }
        }
        return best;
    }

    private static int? Needed(PipelineModel model, double[] rates, int[] replicas, int[] threads, int[] maxBatch, int critical, double budgetMs,
        double serving, double cap)
    {
        var path = 0.0;
        var busy = serving;
        var allocated = 0;
        for (var u = 0; u < rates.Length; u++)
        {
            allocated += replicas[u] * threads[u];
            double p;
            if (rates[u] <= 0) p = replicas[u] == 0 ? 0 : double.PositiveInfinity; // no idle replicas for an unused model
            else
            {
                var service = model.ServiceAt(u, threads[u]);
                if (maxBatch[u] > service.MaxBatch) return null;
                p = QueueingEstimate.P99Ms(service, rates[u], replicas[u], maxBatch[u]);
                busy += QueueingEstimate.BusyCores(service, rates[u], replicas[u], threads[u], maxBatch[u], model.EngineCpuMsPerBatch);
            }
            if (double.IsPositiveInfinity(p)) return null;
            if (u <= critical) path += p;
            else if (p > budgetMs) return null;
        }
        return path <= budgetMs ? ProvisionSearch.DevicesNeeded(allocated, busy, cap) : null;
    }

    private static IEnumerable<int[]> Vectors(int length, int radix)
    {
        var v = new int[length];
        while (true)
        {
            yield return v;
            var d = 0;
            while (d < length && ++v[d] == radix) v[d++] = 0;
            if (d == length) yield break;
        }
    }
}
