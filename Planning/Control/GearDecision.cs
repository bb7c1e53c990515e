namespace Gearbox.Planning.Control;

/// <summary>What the controller wants after a window: stay, or switch to <see cref="Target"/> for <see cref="Reason"/>.</summary>
public readonly record struct GearDecision(bool Switch, int Target, string Reason)
{
    public static GearDecision Stay(int current) => new(false, current, "");
}
