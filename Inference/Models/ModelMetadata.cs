namespace Gearbox.Models;

/// <summary>The metadata file written beside a model's weights.</summary>
public sealed record ModelMetadata(
    string Name,
    string Kind,
    long[] InputShape,
    int Outputs,
    string[] Classes,
    string Architecture,
    long Parameters,
    double TestAccuracy,
    string DataHash,
    int Seed,
    int Epochs,
    int TrainingItems,
    double TrainingSeconds,
    DateTimeOffset TrainedAt);
