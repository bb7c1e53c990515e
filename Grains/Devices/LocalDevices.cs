using Gearbox.Contracts.Cluster;
using Gearbox.Inference;
using Gearbox.Planning.Control;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Gearbox.Devices;

/// <summary>
/// This silo's devices, and what the other silos announced (their membership metadata, <see cref="DeviceAnnouncement"/>):
/// the kind workers serve on, and the planner's device budget from the live membership.
/// </summary>
public sealed class LocalDevices
{
    private readonly IServiceProvider _services;
    private readonly ILocalSiloDetails _silo;

    public LocalDevices(DeviceOptions options, ILocalSiloDetails silo, IServiceProvider services)
    {
        _services = services;
        _silo = silo;
        Options = options;
        Devices = DeviceAnnouncement.Of(Environment.ProcessorCount, DevicePicker.CudaDevices(), options);
    }

    public DeviceOptions Options { get; }

    /// <summary>What this silo announces.</summary>
    public DeviceInfo[] Devices { get; }

    /// <summary>The kind of device a worker holds here: "emulated", "cuda" or "cpu".</summary>
    public string ServingKind => DeviceAnnouncement.ServingKind(Devices);

    /// <summary>The label outputs show for a device: "cpu", "cuda", or "emulated:PROFILE" (with "×N slower" when slowed down).</summary>
    public string Label => Options.IsEmulated
        ? $"emulated:{Options.EmulatedProfile}" + (Options.Slowdown != 1 ? FormattableString.Invariant($" ×{Options.Slowdown} slower") : "")
        : ServingKind;

    /// <summary>
    /// What <paramref name="silo"/> announced (this silo's own without asking); none when it announced nothing, or when
    /// silos here do not announce (a silo built without <see cref="DeviceHosting.AnnounceDevices"/>: placement then spreads evenly).
    /// </summary>
    public DeviceInfo[] Announced(SiloAddress silo)
    {
        var cache = _services.GetService<ISiloMetadataCache>();
        if (cache is null) return [];
        if (silo.Equals(_silo.SiloAddress)) return Devices;
        // A silo whose metadata has not reached this one yet (it just joined) counts as having this silo's devices:
        // silos of one cluster run alike, and counting it as deviceless would keep it out of placement until then.
        return cache.GetSiloMetadata(silo)?.Metadata.TryGetValue(DeviceAnnouncement.MetadataKey, out var value) == true
            ? DeviceAnnouncement.Decode(value) : Devices;
    }

    /// <summary>The live (active) silos the membership knows now.</summary>
    public SiloAddress[] LiveSilos() =>
        _services.GetService<IClusterMembershipService>()?.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray() ?? [_silo.SiloAddress];

    /// <summary>The planner's device budget: Gearbox:Control:Devices, else the live silos' devices of the serving kind, else this silo's.</summary>
    public int Budget(GearControlOptions control) =>
        DeviceBudget.Of(LiveSilos().Select(Announced), ServingKind, control.Devices, Devices.Where(d => d.Kind == ServingKind).Sum(d => d.Count));
}
