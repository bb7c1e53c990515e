using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Gearbox.Devices;

/// <summary>Places worker grains by the silos' announced devices (<see cref="PlacementChoice"/>).</summary>
[GenerateSerializer, Immutable, Alias("gearbox.device-placement")]
public sealed class DevicePlacement : PlacementStrategy
{
    public static readonly DevicePlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DevicePlacementAttribute() : PlacementAttribute(DevicePlacement.Instance);

/// <summary>Chooses among the silos compatible with the grain (those that have its type) by their announced devices.</summary>
public sealed class DevicePlacementDirector(WorkerPlacement placement) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context) =>
        Task.FromResult(placement.Choose(context.GetCompatibleSilos(target), target.GrainIdentity.Key.ToString()!));
}

/// <summary>
/// Where a worker belongs (<see cref="PlacementChoice"/> over the silos' announced devices and the model's place in its
/// stage): used by the placement director for a new activation, and by a running worker to notice that the
/// cluster changed under it (a silo joined) and it now belongs elsewhere.
/// </summary>
public sealed class WorkerPlacement(LocalDevices local, Serving.PipelineCatalog catalog, IClusterManifestProvider manifests)
{
    public SiloAddress Choose(IEnumerable<SiloAddress> silos, string workerKey) =>
        PlacementChoice.Choose(silos.Select(s => (s, s.ToString(), (IReadOnlyList<Contracts.Cluster.DeviceInfo>)local.Announced(s))).ToArray(),
            local.ServingKind, workerKey, ModelOrdinal);

    /// <summary>
    /// The silo the worker belongs on now, among the live silos whose grain manifest this silo already has: the
    /// ones placement counts as compatible. (A silo this one knows as live but not yet by its manifest would
    /// make a worker move towards it and placement put it straight back.)
    /// </summary>
    public SiloAddress? ChooseAmongLive(string workerKey)
    {
        var known = manifests.Current.Silos;
        var candidates = local.LiveSilos().Where(known.ContainsKey).ToArray();
        return candidates.Length == 0 ? null : Choose(candidates, workerKey);
    }

    /// <summary>The model's place in its stage ("pipeline/stage"), from the pipeline catalog.</summary>
    private (int Index, int Count)? ModelOrdinal(string pipelineStage, string model)
    {
        var slash = pipelineStage.IndexOf('/');
        if (slash <= 0 || !catalog.TryGet(pipelineStage[..slash], out var pipeline)) return null;
        var stage = pipeline.Stages.FirstOrDefault(s => s.Name == pipelineStage[(slash + 1)..]);
        var index = stage is null ? -1 : Array.IndexOf(stage.Models, model);
        return index < 0 ? null : (index, stage!.Models.Length);
    }
}

public static class DevicePlacementRegistration
{
    /// <summary>Registers the director of <see cref="DevicePlacementAttribute"/> (every silo that hosts workers needs it).</summary>
    public static IServiceCollection AddDevicePlacement(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Registered))) return services;
        services.AddSingleton<WorkerPlacement>();
        services.AddPlacementDirector<DevicePlacement, DevicePlacementDirector>();
        return services.AddSingleton<Registered>();
    }

    private sealed class Registered;
}
