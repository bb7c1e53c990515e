namespace Gearbox.Contracts.Planning;

/// <summary>
/// A pipeline's gear plan: gears ordered by load, covering 0 up to <see cref="Ceiling"/> (the highest
/// load the budget can hold at the SLO and accuracy floor), with the inputs it was made from.
/// </summary>
/// <param name="Version">Increases each time a plan for the pipeline is stored (1 for a fresh plan).</param>
/// <param name="Notes">What the planner wants a reader to know: bands it could not hold, approximations, simulator findings.</param>
[GenerateSerializer, Immutable, Alias("gearbox.gear-plan")]
public sealed record GearPlan(
    [property: Id(0)] int Version,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] PlanRequest Request,
    [property: Id(3)] Gear[] Gears,
    [property: Id(4)] double Ceiling,
    [property: Id(5)] double PlanningMs,
    [property: Id(6)] string[] Notes)
{
    public const int FormatVersion = 1;
}
