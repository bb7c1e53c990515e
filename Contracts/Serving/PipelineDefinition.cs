namespace Gearbox.Contracts.Serving;

public enum StageKind
{
    /// <summary>A cascade of classifiers: each item goes to the first model, on to the next while unsure.</summary>
    Cascade,
    /// <summary>A tile detector: each 56x56 grid fans out into its occupied 28x28 tiles for the next stage.</summary>
    TileSplit,
}

/// <summary>One stage of a pipeline: its kind and its models, cheapest first.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.stage-definition")]
public sealed record StageDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] StageKind Kind,
    [property: Id(2)] string[] Models);

/// <summary>
/// A pipeline as declared in configuration: stages run in order; a TileSplit stage fans out. The SLO
/// and accuracy floor are what the default gear plan is made for (requests may ask a tighter SLO).
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.pipeline-definition")]
public sealed record PipelineDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] int InputSide,
    [property: Id(2)] double DefaultSloMs,
    [property: Id(3)] StageDefinition[] Stages,
    [property: Id(4)] string Description = "",
    [property: Id(5)] double MinAccuracy = PipelineDefinition.DefaultMinAccuracy)
{
    /// <summary>The accuracy floor of the default plan when pipelines.json gives none.</summary>
    public const double DefaultMinAccuracy = 0.90;
}
