using Orleans.Concurrency;

namespace Gearbox.Contracts.Serving;

/// <summary>
/// One input's answer. Labels, confidences and models have one entry per output slot: one for a
/// classifier pipeline, one per tile for a grid (label -1, model "" for an empty tile).
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.pipeline-item")]
public sealed record PipelineItem(
    [property: Id(0)] ItemStatus Status,
    [property: Id(1)] int[] Labels,
    [property: Id(2)] float[] Confidence,
    [property: Id(3)] string[] Models);

[GenerateSerializer, Immutable, Alias("gearbox.pipeline-snapshot")]
public sealed record PipelineSnapshot(
    [property: Id(0)] PipelineDefinition Definition,
    [property: Id(1)] long Requests,
    [property: Id(2)] long Items,
    [property: Id(3)] long Dropped,
    [property: Id(4)] StageSnapshot[] Stages);

/// <summary>A pipeline, keyed by its name: runs its stages in order, fanning out where a stage splits tiles.</summary>
[Alias("gearbox.IPipelineGrain")]
public interface IPipelineGrain : IGrainWithStringKey
{
    [Alias("Infer")] Task<PipelineItem[]> Infer([Immutable] ImageBatch inputs, double deadlineUnixMs, CancellationToken cancellation = default);

    /// <summary>Configures a stage; returns once every router runs requests it starts from then on with the new configuration.</summary>
    [Alias("Configure")] Task Configure(string stage, StageConfiguration configuration);

    [Alias("GetSnapshot")] Task<PipelineSnapshot> GetSnapshot();

    /// <summary>The stages' current configuration, for routers.</summary>
    [Alias("GetRoute")] Task<PipelineRoute> GetRoute();

    /// <summary>The current route's version: what a router asks every monitoring window to know whether its copy is stale.</summary>
    [Alias("GetRouteVersion")] Task<long> GetRouteVersion();

    /// <summary>
    /// A router found a stage or worker of route <paramref name="version"/> without its configuration (an
    /// activation was lost): gives every stage its configuration again (when the route is still current) and returns the current route.
    /// </summary>
    [Alias("Repair")] Task<PipelineRoute> Repair(long version);

    /// <summary>What a router served since its last report, added to the snapshot counters.</summary>
    [OneWay, Alias("AddCounts")] Task AddCounts(ServingCounts counts);
}
