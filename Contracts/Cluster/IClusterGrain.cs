namespace Gearbox.Contracts.Cluster;

/// <summary>What the cluster looks like: silos, their devices and workers. Key 0; a stateless worker on any silo.</summary>
[Alias("gearbox.IClusterGrain")]
public interface IClusterGrain : IGrainWithIntegerKey
{
    [Alias("GetView")] Task<ClusterView> GetView();
}
