using Gearbox.Contracts.Cluster;
using Gearbox.Contracts.Serving;
using Gearbox.Planning.Control;
using Gearbox.Serving;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Gearbox.Devices;

/// <summary>
/// GET /v1/cluster's answer, gathered on a silo: the membership (every silo it knows, with status), each
/// silo's announced devices (membership metadata), and the worker activations each hosts (the management
/// grain's per-silo activation list, filtered to worker grains).
/// </summary>
[StatelessWorker]
public sealed class ClusterGrain(IClusterMembershipService membership, LocalDevices local, GearControlOptions control) : Grain, IClusterGrain
{
    public async Task<ClusterView> GetView()
    {
        var members = membership.CurrentSnapshot.Members.Values.OrderBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal).ToArray();
        var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var workerType = GrainFactory.GetGrain<IWorkerGrain>("x").GetGrainId().Type;
        var statistics = active.Length == 0 ? [] : await management.GetDetailedGrainStatistics(null, active);
        var workers = statistics.Where(s => s.GrainId.Type.Equals(workerType))
            .GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Select(s => s.GrainId.Key.ToString()!).Order(StringComparer.Ordinal).ToArray());
        var silos = members.Select(m => new SiloInfo(m.SiloAddress.ToString(), m.Name, m.Status.ToString(),
            m.Status == SiloStatus.Active ? local.Announced(m.SiloAddress) : [],
            workers.GetValueOrDefault(m.SiloAddress, []))).ToArray();
        return new ClusterView(silos, local.Label, local.Budget(control), control.Devices > 0);
    }
}
