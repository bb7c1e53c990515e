using Gearbox.Contracts.Planning;

namespace Gearbox.Planning.Baselines;

/// <summary>
/// The "reactive" baseline: the largest model alone (after the tile detector, if any) with dynamic
/// batching, each model's replicas scaled like Kubernetes' Horizontal Pod Autoscaler — desired =
/// ⌈replicas × utilisation ÷ target⌉ (no change within a 10% tolerance), up at once, down only to the
/// highest recommendation of the stabilisation window. A pure class with an injected clock.
/// </summary>
public sealed class ReactiveAutoscaler(double targetUtilisation, TimeSpan scaleDownWindow, int maxReplicas, TimeProvider clock)
{
    /// <summary>HPA's default tolerance: ratios within 10% of the target change nothing.</summary>
    public const double Tolerance = 0.1;

    /// <summary>Max batch of every serving replica: the dynamic batching a Triton-style server would be given.</summary>
    public const int MaxBatch = 32;

    private readonly Dictionary<string, List<(DateTimeOffset At, int Replicas)>> _recommendations = new(StringComparer.Ordinal);

    /// <summary>The replicas each model should have now, from its replicas and their busy share over the last sync period.</summary>
    public Dictionary<string, int> Decide(IReadOnlyDictionary<string, int> replicas, IReadOnlyDictionary<string, double> utilisation)
    {
        var now = clock.GetUtcNow();
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (model, current) in replicas)
        {
            var ratio = utilisation.GetValueOrDefault(model) / targetUtilisation;
            var desired = Math.Abs(ratio - 1) <= Tolerance ? current : Math.Clamp((int)Math.Ceiling(current * ratio), 1, maxReplicas);
            if (!_recommendations.TryGetValue(model, out var history)) _recommendations[model] = history = [];
            history.Add((now, desired));
            history.RemoveAll(r => now - r.At > scaleDownWindow);
            result[model] = desired >= current ? desired : Math.Min(current, history.Max(r => r.Replicas));
        }
        return result;
    }

    /// <summary>The gear for <paramref name="replicas"/> of the largest model (and the tile detector): every other model gets none.</summary>
    public static Gear GearOf(PipelineModel model, IReadOnlyDictionary<string, int> replicas, int index) => new(
        index, 0, double.PositiveInfinity,
        model.Estimator.Models[..^1].ToDictionary(m => m, _ => 0.0),
        model.Units.ToDictionary(u => u, u => replicas.GetValueOrDefault(u)),
        model.Units.ToDictionary(u => u, u => replicas.GetValueOrDefault(u) > 0 ? MaxBatch : 1),
        model.Estimator.ModelAccuracy(model.Estimator.Models.Length - 1), double.NaN, replicas.Values.Sum(), replicas.Values.Sum(), double.NaN, double.NaN);

    /// <summary>The models the reactive baseline serves, one replica each to start: the tile detector (if any) and the largest model.</summary>
    public static Dictionary<string, int> Initial(PipelineModel model) =>
        (model.HasSplitter ? new[] { model.Units[0], model.Units[^1] } : [model.Units[^1]]).ToDictionary(u => u, _ => 1, StringComparer.Ordinal);
}
