namespace Gearbox.Contracts.Planning;

/// <summary>
/// What a gear plan is made for: one pipeline, its p99 end-to-end latency target, an accuracy floor,
/// a hardware budget (devices, each one model replica) and the load to plan up to.
/// </summary>
/// <param name="MaxLoad">Highest load (requests/s) to plan for; null plans up to the budget's ceiling.</param>
/// <param name="Bands">Number of load bands (gears); bands step geometrically up to the max load.</param>
/// <param name="BandFactor">Ratio between neighbouring bands' upper edges; 0 derives it so the lowest band ends at max/64.</param>
[GenerateSerializer, Immutable, Alias("gearbox.plan-request")]
public sealed record PlanRequest(
    [property: Id(0)] string Pipeline,
    [property: Id(1)] double SloMs,
    [property: Id(2)] double MinAccuracy,
    [property: Id(3)] int Devices,
    [property: Id(4)] double CostPerDevice = 1,
    [property: Id(5)] double? MaxLoad = null,
    [property: Id(6)] int Bands = 12,
    [property: Id(7)] double BandFactor = 0)
{
    /// <summary>The first problem with these inputs, or null when they are usable.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(Pipeline) ? "the pipeline name is empty" :
        !(SloMs > 0) ? $"the SLO must be positive, not {SloMs} ms" :
        !(MinAccuracy >= 0 && MinAccuracy <= 1) ? $"the accuracy floor must be in [0, 1], not {MinAccuracy}" :
        Devices < 1 ? $"the budget needs at least one device, not {Devices}" :
        !(CostPerDevice > 0) ? $"the cost per device must be positive, not {CostPerDevice}" :
        MaxLoad is { } max && !(max > 0) ? $"the max load must be positive, not {max}" :
        Bands is < 1 or > 200 ? $"the band count must be in [1, 200], not {Bands}" :
        BandFactor != 0 && !(BandFactor > 1) ? $"the band factor must be above 1 (or 0 to derive it), not {BandFactor}" :
        null;
}
