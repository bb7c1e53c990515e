namespace Gearbox.Contracts.Serving;

[GenerateSerializer, Immutable, Alias("gearbox.stage-snapshot")]
public sealed record StageSnapshot(
    [property: Id(0)] StageDefinition Definition,
    [property: Id(1)] StageConfiguration Configuration,
    [property: Id(2)] long Items,
    [property: Id(3)] long Dropped,
    [property: Id(4)] Dictionary<string, long> AnsweredBy,
    [property: Id(5)] WorkerStats[] Workers);

/// <summary>One stage of one pipeline, key "{pipeline}/{stage}": runs the cascade over its workers.</summary>
[Alias("gearbox.IStageGrain")]
public interface IStageGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task Configure(StageDefinition definition, StageConfiguration configuration);

    [Alias("GetSnapshot")] Task<StageSnapshot> GetSnapshot();

    /// <summary>
    /// The settings the stage's current configuration gives the worker with this key, or null when the
    /// stage has no configuration or no such worker. A new activation of a worker asks this before it serves.
    /// </summary>
    [Alias("GetWorkerSettings")] Task<WorkerSettings?> GetWorkerSettings(string workerKey);
}
