namespace Gearbox.Contracts.Serving;

/// <summary>
/// A worker activation with no settings whose stage had none to give it either (the worker is not in the
/// stage's current configuration, or the stage lost its own). Serializable, so the stage can tell it apart
/// and configure the worker again.
/// </summary>
[GenerateSerializer, Alias("gearbox.worker-not-configured")]
public sealed class WorkerNotConfiguredException(string message) : Exception(message);
