using Gearbox.Contracts.Serving;

namespace Gearbox.Contracts.Planning;

/// <summary>
/// How to serve a pipeline while load is in (<see cref="MinLoad"/>, <see cref="MaxLoad"/>] requests/s:
/// cascade thresholds (keyed by model; the last model of a cascade and the tile detector have none),
/// replicas and max batch per model, and what the planner predicts for it.
/// </summary>
/// <param name="PredictedP99Ms">The queueing estimate the search used.</param>
/// <param name="SimulatedP99Ms">p99 of completed requests in the discrete-event check at <see cref="MaxLoad"/>.</param>
/// <param name="SimulatedAttainment">Fraction of requests answered within the SLO in that check (drops count as misses).</param>
/// <param name="Cost">Devices × cost per device.</param>
/// <param name="Devices">Cores (devices) the gear uses: its replicas × threads, or more when the CPU it needs (replicas' busy time plus the serving path) exceeds those at the planner's utilisation cap.</param>
/// <param name="Threads">Intra-op threads per replica, per model (Sponge's vertical scaling); null in plans made before threads were planned (1 each).</param>
/// <param name="CpuCores">Cores the gear is predicted to keep busy at <see cref="MaxLoad"/>: replicas plus the serving path; null in older plans.</param>
[GenerateSerializer, Immutable, Alias("gearbox.gear")]
public sealed record Gear(
    [property: Id(0)] int Index,
    [property: Id(1)] double MinLoad,
    [property: Id(2)] double MaxLoad,
    [property: Id(3)] Dictionary<string, double> Thresholds,
    [property: Id(4)] Dictionary<string, int> Replicas,
    [property: Id(5)] Dictionary<string, int> MaxBatch,
    [property: Id(6)] double PredictedAccuracy,
    [property: Id(7)] double PredictedP99Ms,
    [property: Id(8)] double Cost,
    [property: Id(9)] int Devices,
    [property: Id(10)] double SimulatedP99Ms,
    [property: Id(11)] double SimulatedAttainment,
    [property: Id(12)] Dictionary<string, int>? Threads = null,
    [property: Id(13)] double? CpuCores = null)
{
    /// <summary>Threads per replica of <paramref name="model"/> (1 when the plan does not say).</summary>
    public int ThreadsOf(string model) => Threads is not null && Threads.TryGetValue(model, out var t) ? t : 1;

    /// <summary>
    /// The stage configuration this gear gives one stage: thresholds in cascade order (one per model but
    /// the last; none for a tile split) and a provision per model.
    /// </summary>
    public StageConfiguration ToStageConfiguration(StageDefinition stage, long version = 0)
    {
        var thresholds = stage.Kind == StageKind.Cascade
            ? stage.Models[..^1].Select(m => Thresholds.TryGetValue(m, out var t) ? t
                : throw new KeyNotFoundException($"Gear {Index} has no threshold for model '{m}' of stage '{stage.Name}'.")).ToArray()
            : [];
        var models = stage.Models.Select(m => new ModelProvision(m,
            Replicas.TryGetValue(m, out var r) ? r : throw new KeyNotFoundException($"Gear {Index} has no replicas for model '{m}'."),
            MaxBatch.TryGetValue(m, out var b) ? b : 1,
            ThreadsOf(m))).ToArray();
        return new StageConfiguration(thresholds, models, version);
    }
}
