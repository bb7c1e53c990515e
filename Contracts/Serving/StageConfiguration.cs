namespace Gearbox.Contracts.Serving;

/// <summary>How one model of a stage is provisioned: replicas (worker grains), their max batch and threads each.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.model-provision")]
public sealed record ModelProvision(
    [property: Id(0)] string Model,
    [property: Id(1)] int Replicas,
    [property: Id(2)] int MaxBatch,
    [property: Id(3)] int Threads = 1);

/// <summary>
/// A stage's run-time configuration (what a gear sets): the cascade thresholds (one per model but the
/// last) and the provision of each model. Version increases with every change.
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.stage-configuration")]
public sealed record StageConfiguration(
    [property: Id(0)] double[] Thresholds,
    [property: Id(1)] ModelProvision[] Models,
    [property: Id(2)] long Version = 0);
