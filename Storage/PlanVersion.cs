namespace Gearbox.Storage;

/// <summary>One saved version of a pipeline's gear plan. Versions count up from 1.</summary>
public sealed record PlanVersion<TPlan>(int Version, DateTimeOffset SavedAt, TPlan Plan);
