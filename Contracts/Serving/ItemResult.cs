namespace Gearbox.Contracts.Serving;

public enum ItemStatus
{
    Ok,
    /// <summary>Dropped: the deadline could no longer be met (never silently lost).</summary>
    DeadlineExceeded,
}

/// <summary>One item's answer from a worker or a stage. <see cref="Mask"/> is set by the tile detector.</summary>
[GenerateSerializer, Immutable, Alias("gearbox.item-result")]
public sealed record ItemResult(
    [property: Id(0)] ItemStatus Status,
    [property: Id(1)] int Label,
    [property: Id(2)] float Confidence,
    [property: Id(3)] string Model,
    [property: Id(4)] bool[]? Mask = null)
{
    public static ItemResult Dropped(string model) => new(ItemStatus.DeadlineExceeded, -1, 0, model);
}
