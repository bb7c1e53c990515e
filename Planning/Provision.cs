namespace Gearbox.Planning;

/// <summary>
/// Replicas, threads per replica and max batch per unit (splitter first, then the cascade), the
/// estimated end-to-end p99 (the serving path's added latency included), the cores it keeps busy
/// (replicas and serving path) and the devices it needs.
/// </summary>
public sealed record Provision(int[] Replicas, int[] Threads, int[] MaxBatch, double P99Ms, double CpuCores, int Devices)
{
    /// <summary>L1 distance between replica vectors: how many workers a switch starts or retires.</summary>
    public int ReplicaChanges(int[]? previous) =>
        previous is null ? 0 : Replicas.Select((r, u) => Math.Abs(r - previous[u])).Sum();
}
