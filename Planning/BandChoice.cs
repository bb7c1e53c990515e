namespace Gearbox.Planning;

/// <summary>The threshold vector and provision chosen for one load.</summary>
public sealed record BandChoice(FrontPoint Point, Provision Provision);
