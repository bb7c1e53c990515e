namespace Gearbox.Planning;

/// <summary>Replicas and max batch per unit (splitter first, then the cascade) and the estimated end-to-end p99.</summary>
public sealed record Provision(int[] Replicas, int[] MaxBatch, double P99Ms)
{
    public int Devices => Replicas.Sum();

    /// <summary>L1 distance between replica vectors: how many workers a switch starts or retires.</summary>
    public int ReplicaChanges(int[]? previous) =>
        previous is null ? 0 : Replicas.Select((r, u) => Math.Abs(r - previous[u])).Sum();
}
