namespace Gearbox.Contracts.Serving;

/// <summary>One stage as a router sees it: its definition, its configuration, and the worker keys of each model (in definition order).</summary>
[GenerateSerializer, Immutable, Alias("gearbox.stage-route")]
public sealed record StageRoute(
    [property: Id(0)] string Key,
    [property: Id(1)] StageDefinition Definition,
    [property: Id(2)] StageConfiguration Configuration,
    [property: Id(3)] string[][] Workers);

/// <summary>
/// Everything needed to run a pipeline's requests straight on its workers: the pipeline's stages with
/// their current configuration. <see cref="Version"/> grows with every configuration change (a gear switch),
/// so a router holding a copy can tell cheaply whether it is stale.
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.pipeline-route")]
public sealed record PipelineRoute(
    [property: Id(0)] PipelineDefinition Definition,
    [property: Id(1)] StageRoute[] Stages,
    [property: Id(2)] long Version);

/// <summary>What one stage served since the last report: items, items dropped, items each model answered.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.stage-counts")]
public sealed record StageCounts(
    [property: Id(0)] long Items,
    [property: Id(1)] long Dropped,
    [property: Id(2)] Dictionary<string, long> AnsweredBy);

/// <summary>What a router served since its last report, for the pipeline's snapshot counters (keyed by stage name).</summary>
[GenerateSerializer, Immutable, Alias("gearbox.serving-counts")]
public sealed record ServingCounts(
    [property: Id(0)] long Requests,
    [property: Id(1)] long Items,
    [property: Id(2)] long Dropped,
    [property: Id(3)] Dictionary<string, StageCounts> Stages);
