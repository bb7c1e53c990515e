namespace Gearbox.Contracts.Planning;

/// <summary>The gear a pipeline runs in now, and why: the load it was chosen for, or an explicit index.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.applied-gear")]
public sealed record AppliedGear(
    [property: Id(0)] int PlanVersion,
    [property: Id(1)] int GearIndex,
    [property: Id(2)] double? Load,
    [property: Id(3)] bool OverCeiling,
    [property: Id(4)] DateTimeOffset AppliedAt,
    [property: Id(5)] Gear Gear);

/// <summary>
/// The gear planner of one pipeline (key: the pipeline's name). Holds the current gear plan (durably,
/// with history), answers GetGear(load) by table lookup, and applies a gear to the pipeline's stages
/// and workers; in-flight requests finish under the gear they started in.
/// </summary>
[Alias("gearbox.IGearPlannerGrain")]
public interface IGearPlannerGrain : IGrainWithStringKey
{
    [Alias("GetPlan")] Task<GearPlan?> GetPlan();

    /// <summary>Computes a plan from the stored profiles, stores it as the next version and makes it current.</summary>
    [Alias("Replan")] Task<GearPlan> Replan(PlanRequest request);

    [Alias("GetGear")] Task<Gear> GetGear(double load);

    /// <summary>Applies and pins the gear for <paramref name="load"/> (req/s), or gear <paramref name="index"/> when given: automatic switching stops until <see cref="ResumeAuto"/>.</summary>
    [Alias("ApplyGear")] Task<AppliedGear> ApplyGear(double? load, int? index);

    [Alias("GetApplied")] Task<AppliedGear?> GetApplied();

    /// <summary>
    /// Starts the online loop: makes the default plan (the pipeline's SLO and accuracy floor, the devices
    /// this silo has) when there is no plan yet, then switches gears by the monitored load — unless a gear
    /// was pinned, which stays pinned. Idempotent.
    /// </summary>
    [Alias("Start")] Task<GearStatus> Start();

    /// <summary>Ends a pin: the controller chooses the gear again from the monitored load.</summary>
    [Alias("ResumeAuto")] Task<GearStatus> ResumeAuto();

    [Alias("GetStatus")] Task<GearStatus> GetStatus();

    /// <summary>The gear switches so far, oldest first (the newest <see cref="MaxHistory"/>).</summary>
    [Alias("GetHistory")] Task<GearShift[]> GetHistory();

    public const int MaxHistory = 500;
}
