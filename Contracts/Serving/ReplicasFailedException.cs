namespace Gearbox.Contracts.Serving;

/// <summary>
/// Every replica of a model failed the same items twice (silos gone, timeouts, failed batches): the stage
/// gives up on the call with the model, the replicas and the last failure, and the gateway answers 503
/// with that reason (or tries again while the request's deadline allows) instead of a bare 500.
/// </summary>
[GenerateSerializer, Alias("gearbox.replicas-failed")]
public sealed class ReplicasFailedException(string message) : Exception(message);
