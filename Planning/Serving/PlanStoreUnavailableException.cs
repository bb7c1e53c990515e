namespace Gearbox.Serving;

/// <summary>The plan store could not be written; the pipeline keeps its current plan. Serializable, so the reason reaches the gateway.</summary>
[GenerateSerializer, Alias("gearbox.plan-store-unavailable")]
public sealed class PlanStoreUnavailableException(string message) : Exception(message);
