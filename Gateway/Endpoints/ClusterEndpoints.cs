using Gearbox.Contracts.Cluster;

namespace Gearbox.Gateway.Endpoints;

/// <summary>GET /v1/cluster: the silos, their status and announced devices (emulated ones labelled), the workers each hosts, and the planner's device budget.</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/cluster", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IClusterGrain>(0).GetView()));
}
