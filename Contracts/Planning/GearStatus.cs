using Gearbox.Contracts.Monitoring;

namespace Gearbox.Contracts.Planning;

/// <summary>Who chooses a pipeline's gear: nobody yet (its initial configuration), the control policy by load, or a person.</summary>
public enum GearMode
{
    Off,
    Auto,
    Pinned,
}

/// <summary>One gear switch: when, from which gear to which (-1: none of this plan's), at what load and why.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.gear-shift")]
public sealed record GearShift(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int From,
    [property: Id(2)] int To,
    [property: Id(3)] double? Load,
    [property: Id(4)] string Reason,
    [property: Id(5)] int PlanVersion);

/// <summary>A gear's load band: it is chosen while the load is in (<see cref="MinLoad"/>, <see cref="MaxLoad"/>] req/s.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.gear-band")]
public sealed record GearBand(
    [property: Id(0)] double MinLoad,
    [property: Id(1)] double MaxLoad);

/// <summary>
/// What GET /v1/pipelines/{name}/gear shows: the mode, the gear in force and its band, the monitor's
/// estimate, the applied gear in full, the control policy ("gears" or a baseline), and the devices the
/// configuration in force holds and has held (device-seconds since the planner's activation), and what a device
/// is (<c>DeviceKind</c>: "cpu" cores, or "emulated:PROFILE" when the silos emulate an accelerator, docs/devices.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("gearbox.gear-status")]
public sealed record GearStatus(
    [property: Id(0)] string Pipeline,
    [property: Id(1)] GearMode Mode,
    [property: Id(2)] int? PlanVersion,
    [property: Id(3)] int? GearIndex,
    [property: Id(4)] GearBand? Band,
    [property: Id(5)] LoadEstimate? Estimate,
    [property: Id(6)] AppliedGear? Applied,
    [property: Id(7)] int Gears,
    [property: Id(8)] string Policy = "gears",
    [property: Id(9)] int Devices = 0,
    [property: Id(10)] double DeviceSeconds = 0,
    [property: Id(11)] string DeviceKind = "cpu");
