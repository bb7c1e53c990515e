namespace Gearbox.Planning;

/// <summary>One threshold vector of the grid, with what it does on the validation items.</summary>
public sealed record FrontPoint(double[] Thresholds, CascadeOutcome Outcome, double ComputePerRequestMs);

/// <summary>
/// The threshold vectors worth serving: those meeting the accuracy floor that no other vector beats on
/// accuracy while sending no more items to every model. Dominance on the whole reach vector (not only on
/// total compute) keeps the front exact for the search: a dominated vector loads every model at least as
/// much for no more accuracy, so it can never need fewer devices or have a lower p99.
/// </summary>
public static class ParetoFront
{
    /// <summary>The front, cheapest compute per request first.</summary>
    public static List<FrontPoint> Build(PipelineModel model, double minAccuracy)
    {
        var estimator = model.Estimator;
        var all = new List<FrontPoint>();
        foreach (var index in estimator.GridPoints())
        {
            var outcome = estimator.EvaluateGrid(index);
            if (outcome.Accuracy < minAccuracy) continue;
            all.Add(new FrontPoint(estimator.ThresholdsOf(index), outcome, model.ComputePerRequestMs(outcome)));
        }
        var front = new List<FrontPoint>();
        foreach (var point in all.OrderByDescending(p => p.Outcome.Accuracy).ThenBy(p => p.Outcome.Reach.Sum()))
        {
            if (!front.Any(kept => Dominates(kept.Outcome, point.Outcome))) front.Add(point);
        }
        return [.. front.OrderBy(p => p.ComputePerRequestMs).ThenByDescending(p => p.Outcome.Accuracy)];
    }

    public static bool Dominates(CascadeOutcome a, CascadeOutcome b)
    {
        if (a.Accuracy < b.Accuracy) return false;
        for (var j = 0; j < a.Reach.Length; j++) if (a.Reach[j] > b.Reach[j]) return false;
        return true;
    }

    /// <summary>The best accuracy any grid threshold vector reaches (for the "floor too high" reason).</summary>
    public static (double Accuracy, double[] Thresholds) MostAccurate(PipelineModel model)
    {
        var estimator = model.Estimator;
        var best = (Accuracy: -1.0, Thresholds: Array.Empty<double>());
        foreach (var index in estimator.GridPoints())
        {
            var accuracy = estimator.EvaluateGrid(index).Accuracy;
            if (accuracy > best.Accuracy) best = (accuracy, estimator.ThresholdsOf(index));
        }
        return best;
    }
}
