namespace Gearbox.Contracts.Cluster;

/// <summary>
/// Devices of one kind a silo announced: "cpu" (cores), "cuda" (GPUs TorchSharp sees), or "emulated"
/// (<see cref="Emulated"/>, with the latency <see cref="Profile"/> it emulates, e.g. "v100-bert").
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.device-info")]
public sealed record DeviceInfo(
    [property: Id(0)] string Kind,
    [property: Id(1)] int Count,
    [property: Id(2)] bool Emulated = false,
    [property: Id(3)] string? Profile = null,
    [property: Id(4)] double Slowdown = 1);

/// <summary>One silo: its address, name, membership status, announced devices and the worker grains it hosts ("pipeline/stage/model/replica").</summary>
[GenerateSerializer, Immutable, Alias("gearbox.silo-info")]
public sealed record SiloInfo(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] DeviceInfo[] Devices,
    [property: Id(4)] string[] Workers);

/// <summary>
/// The cluster as GET /v1/cluster shows it: every silo the membership knows (dead ones too), the device kind
/// workers serve on (<see cref="ServingKind"/>: "cpu", "cuda", or "emulated:PROFILE" with its slow-down) and the device budget the
/// planner takes from the live silos (or the Gearbox:Control:Devices override, <see cref="BudgetOverridden"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.cluster-view")]
public sealed record ClusterView(
    [property: Id(0)] SiloInfo[] Silos,
    [property: Id(1)] string ServingKind,
    [property: Id(2)] int DeviceBudget,
    [property: Id(3)] bool BudgetOverridden);
