using Gearbox.Contracts.Planning;

namespace Gearbox.Planning.Control;

/// <summary>
/// SLOpt's cascade workload estimation for the online loop: how many items each model sees per request
/// at the entrance under a gear — the tile detector 1, cascade model j fan-out × reach_j (from the gear's
/// thresholds replayed on the validation items), 0 for a model the gear gives no replica. Multiplied by
/// the entrance estimate it provisions every model in the same step, before the wave reaches it.
/// </summary>
public static class DownstreamLoad
{
    public static Dictionary<string, double> ItemsPerRequest(PipelineModel model, Gear gear)
    {
        var thresholds = model.Estimator.Models[..^1].Select(m => gear.Thresholds.TryGetValue(m, out var t) ? t
            : throw new KeyNotFoundException($"Gear {gear.Index} has no threshold for model '{m}'.")).ToArray();
        var rates = model.UnitRates(1, model.Estimator.Evaluate(thresholds));
        return model.Units.Select((unit, i) => (unit, rate: gear.Replicas.GetValueOrDefault(unit) > 0 ? rates[i] : 0))
            .ToDictionary(x => x.unit, x => x.rate, StringComparer.Ordinal);
    }
}
