using Gearbox.Contracts.Profiles;

namespace Gearbox.Serving;

/// <summary>
/// The static thresholds Gearbox serves with before any gear plan: the cheapest thresholds (expected
/// compute per item, from batch-32 latency) whose validation accuracy stays within
/// <c>tolerance</c> of the last (largest) model alone. An exhaustive search over a fixed grid.
/// </summary>
public static class ThresholdChooser
{
    private static readonly double[] Grid =
        [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1.0];

    public sealed record Choice(double[] Thresholds, double Accuracy, double CostPerItemMs, double[] ReachFractions);

    public static Choice Choose(IReadOnlyList<ModelProfile> cascade, double tolerance = 0.005)
    {
        if (cascade.Count == 0) throw new ArgumentException("A cascade needs at least one model profile.");
        var items = cascade[0].Correct.Length;
        if (cascade.Any(p => p.Correct.Length != items))
            throw new ArgumentException("The profiles do not cover the same validation items.");
        var floor = cascade[^1].Accuracy - tolerance;
        var perItemMs = cascade.Select(p => p.LatencyMs(32) / 32).ToArray();
        Choice? best = null;
        foreach (var thresholds in Combinations(cascade.Count - 1))
        {
            var choice = Evaluate(cascade, thresholds, perItemMs);
            if (choice.Accuracy >= floor && (best is null || choice.CostPerItemMs < best.CostPerItemMs)) best = choice;
        }
        // All thresholds at 1.0 send everything to the last model, which always meets the floor.
        return best!;
    }

    public static Choice Evaluate(IReadOnlyList<ModelProfile> cascade, double[] thresholds, double[] perItemMs)
    {
        var items = cascade[0].Correct.Length;
        var reached = new int[cascade.Count];
        var correct = 0;
        for (var i = 0; i < items; i++)
        {
            for (var m = 0; m < cascade.Count; m++)
            {
                reached[m]++;
                if (m == cascade.Count - 1 || cascade[m].Confidence[i] >= thresholds[m])
                {
                    if (cascade[m].Correct[i]) correct++;
                    break;
                }
            }
        }
        var reach = reached.Select(r => (double)r / items).ToArray();
        return new Choice(thresholds, (double)correct / items, reach.Zip(perItemMs, (r, c) => r * c).Sum(), reach);
    }

    private static IEnumerable<double[]> Combinations(int length)
    {
        if (length == 0) { yield return []; yield break; }
        foreach (var rest in Combinations(length - 1))
        foreach (var t in Grid)
            yield return [.. rest, t];
    }
}
