namespace Gearbox.Planning;

/// <summary>
/// The exact search for small instances, as a check on <see cref="GearPlanner"/>: every grid threshold
/// vector (replayed item by item), every replica vector within the budget and every max-batch vector,
/// with the same queueing estimate and p99-path rule. Exponential; tests only.
/// </summary>
public static class BruteForcePlanner
{
    public static int? MinDevices(PipelineModel model, double load, double sloMs, double minAccuracy, int devices)
    {
        var units = model.Units.Length;
        var batches = model.Service.Select(s => s.BatchCandidates()).ToArray();
        int? best = null;
        foreach (var index in model.Estimator.GridPoints())
        {
            var outcome = model.Estimator.Evaluate(model.Estimator.ThresholdsOf(index));
            if (outcome.Accuracy < minAccuracy) continue;
            var rates = model.UnitRates(load, outcome);
            var tail = model.RequestTail(outcome);
            var critical = 0;
            for (var u = 0; u < units; u++) if (tail[u] > TailPath.TailFraction) critical = u;

            foreach (var replicas in Vectors(units, devices + 1))
            {
                var total = replicas.Sum();
                if (total > devices || (best is { } b && total >= b)) continue;
                foreach (var batchIndex in Vectors(units, batches.Max(b => b.Length)))
                {
                    if (Holds(model, rates, replicas, batchIndex.Select((i, u) => batches[u][Math.Min(i, batches[u].Length - 1)]).ToArray(), critical, sloMs))
                    {
                        best = total;
                        break;
                    }
                }
            }
        }
        return best;
    }

    private static bool Holds(PipelineModel model, double[] rates, int[] replicas, int[] maxBatch, int critical, double sloMs)
    {
        var path = 0.0;
        for (var u = 0; u < rates.Length; u++)
        {
            double p;
            if (rates[u] <= 0) p = replicas[u] == 0 ? 0 : double.PositiveInfinity; // no idle replicas for an unused model
            else p = QueueingEstimate.P99Ms(model.Service[u], rates[u], replicas[u], maxBatch[u]);
            if (double.IsPositiveInfinity(p)) return false;
            if (u <= critical) path += p;
            else if (p > sloMs) return false;
        }
        return path <= sloMs;
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
