namespace Gearbox.Bench;

/// <summary>How one gear's measurement reads against its claimed capacity.</summary>
public enum GearVerdict
{
    /// <summary>Measured goodput / predicted capacity within the target band.</summary>
    WithinTarget,

    /// <summary>Below the band: the gear does not hold the load it claims.</summary>
    BelowTarget,

    /// <summary>Above the band: the gear holds more than it claims.</summary>
    AboveTarget,

    /// <summary>Below the band, but the load generator fell behind: the shortfall may be the generator's.</summary>
    GeneratorBound,

    /// <summary>Nothing to compare (no requests sent, or no capacity claimed).</summary>
    NoMeasurement,
}

/// <summary>
/// One gear's validation: its claims (capacity = maxLoad capped at the ceiling, p99, accuracy) beside
/// what the run measured at that load, and the verdict on measured goodput / predicted capacity.
/// </summary>
public sealed record GearCheck(PlanGear Gear, double PredictedCapacity, double DurationSeconds, bool StatisticallyWeak, WindowFigures Measured)
{
    public const double TargetLow = 0.8;
    public const double TargetHigh = 1.2;

    /// <summary>Below this claimed load a gear's run is stretched to send <see cref="MinRequests"/> requests, and still counts as weak.</summary>
    public const double TinyLoad = 5;

    public const int MinRequests = 100;

    /// <summary>The longest a tiny gear's run is stretched to.</summary>
    public const double MaxStretchedSeconds = 60;

    public double Ratio => PredictedCapacity > 0 && Measured.Sent > 0 ? Measured.Goodput / PredictedCapacity : double.NaN;

    public bool WithinTarget => Ratio is >= TargetLow and <= TargetHigh;

    public GearVerdict Verdict =>
        double.IsNaN(Ratio) ? GearVerdict.NoMeasurement :
        WithinTarget ? GearVerdict.WithinTarget :
        Ratio > TargetHigh ? GearVerdict.AboveTarget :
        Measured.GeneratorBehind ? GearVerdict.GeneratorBound :
        GearVerdict.BelowTarget;

    public string VerdictText => Verdict switch
    {
        GearVerdict.WithinTarget => "ok: within 0.8-1.2",
        GearVerdict.BelowTarget => "LOW: the gear does not hold the load it claims",
        GearVerdict.AboveTarget => "HIGH: the gear holds more than it claims",
        GearVerdict.GeneratorBound => "inconclusive: the load generator fell behind its schedule, so this measures the generator as much as the gear" +
                                      (Measured.Drops > 0 ? $" (the gateway also answered {Measured.Drops} of {Measured.Sent} with 504)" : ""),
        _ => "no measurement",
    };

    /// <summary>
    /// How long to load a gear: <paramref name="duration"/>, stretched for a tiny claimed load so it sends
    /// about <see cref="MinRequests"/> requests (at most <see cref="MaxStretchedSeconds"/>); weak when the
    /// claimed load is tiny or fewer than <see cref="MinRequests"/> requests are expected anyway.
    /// </summary>
    public static (double Seconds, bool Weak) Plan(double rate, double duration, int maxRequests)
    {
        var seconds = duration;
        if (rate < TinyLoad && rate > 0) seconds = Math.Max(duration, Math.Min(MaxStretchedSeconds, MinRequests / rate));
        var expected = Math.Min(rate * seconds, maxRequests);
        return (seconds, rate < TinyLoad || expected < MinRequests);
    }
}
