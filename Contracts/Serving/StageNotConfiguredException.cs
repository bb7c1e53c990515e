namespace Gearbox.Contracts.Serving;

/// <summary>A stage activation that has not been given its configuration (e.g. recreated after a silo left).</summary>
[GenerateSerializer, Alias("gearbox.stage-not-configured")]
public sealed class StageNotConfiguredException(string message) : Exception(message);
