namespace Gearbox.Planning.Control;

/// <summary>
/// Settings of the online loop (section "Gearbox:Control"). The defaults follow the design: 100 ms
/// windows, a rate smoothed over about half a second, up at once, down after a 10% margin held for 3 s.
/// </summary>
public sealed record GearControlOptions
{
    public const string Section = "Gearbox:Control";

    /// <summary>"auto" (default): the gateway plans each declared pipeline at start-up and switches gears by load; "static": no plan, no switching.</summary>
    public string Mode { get; init; } = "auto";

    /// <summary>Devices the default plan may use; 0 (default): the cores of the silo the planner runs on.</summary>
    public int Devices { get; init; }

    /// <summary>Length of one monitoring window.</summary>
    public int WindowMs { get; init; } = 100;

    /// <summary>Time constant of the smoothed rate (EWMA).</summary>
    public double SmoothingSeconds { get; init; } = 0.5;

    /// <summary>How long monitoring windows are kept.</summary>
    public double KeepSeconds { get; init; } = 120;

    /// <summary>A window's arrivals count as a burst when above this multiple of the smoothed rate's expectation (and clear of Poisson noise).</summary>
    public double BurstFactor { get; init; } = 1.5;

    /// <summary>Standard deviations of Poisson noise a burst window must clear, so small counts do not look like bursts.</summary>
    public double BurstSigmas { get; init; } = 3;

    /// <summary>A queue this long that grew over <see cref="BacklogWindows"/> windows in a row is a backlog burst.</summary>
    public int BacklogItems { get; init; } = 64;

    public int BacklogWindows { get; init; } = 3;

    /// <summary>Switch down only when the demand is this far below the lower gear's upper edge...</summary>
    public double DownMargin { get; init; } = 0.10;

    /// <summary>...for this long without a break...</summary>
    public double HoldSeconds { get; init; } = 3;

    /// <summary>...and with no more than this many items queued over all workers.</summary>
    public int DrainedQueueItems { get; init; } = 8;

    public bool IsAuto => string.Equals(Mode, "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Problem() =>
        !(IsAuto || string.Equals(Mode, "static", StringComparison.OrdinalIgnoreCase)) ? $"Gearbox:Control:Mode must be 'auto' or 'static', not '{Mode}'" :
        Devices < 0 ? $"Gearbox:Control:Devices must be ≥ 0 (0: this machine's cores), not {Devices}" :
        WindowMs is < 10 or > 10_000 ? $"Gearbox:Control:WindowMs must be in [10, 10000], not {WindowMs}" :
        !(SmoothingSeconds > 0) ? $"Gearbox:Control:SmoothingSeconds must be positive, not {SmoothingSeconds}" :
        !(KeepSeconds * 1000 >= WindowMs) ? $"Gearbox:Control:KeepSeconds must cover at least one window, not {KeepSeconds}" :
        !(BurstFactor > 1) ? $"Gearbox:Control:BurstFactor must be above 1, not {BurstFactor}" :
        !(DownMargin is >= 0 and < 1) ? $"Gearbox:Control:DownMargin must be in [0, 1), not {DownMargin}" :
        !(HoldSeconds >= 0) ? $"Gearbox:Control:HoldSeconds must be ≥ 0, not {HoldSeconds}" :
        BacklogWindows < 1 ? $"Gearbox:Control:BacklogWindows must be ≥ 1, not {BacklogWindows}" :
        null;
}
