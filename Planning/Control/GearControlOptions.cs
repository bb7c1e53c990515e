namespace Gearbox.Planning.Control;

/// <summary>
/// Settings of the online loop (section "Gearbox:Control"). The defaults follow the design: 100 ms
/// windows, a rate smoothed over about half a second, up at once, down after a 10% margin held for 3 s.
/// </summary>
public sealed record GearControlOptions
{
    public const string Section = "Gearbox:Control";

    /// <summary>
    /// Who chooses each declared pipeline's configuration once the gateway has started (see <see cref="ControlPolicy"/>):
    /// "gears" (default; "auto" is the same), the baselines "static", "reactive" and "switching", or "off".
    /// </summary>
    public string Mode { get; init; } = "gears";

    /// <summary>The load (req/s) the "static" baseline is sized for: the peak it must hold.</summary>
    public double PeakLoad { get; init; }

    /// <summary>"reactive": the busy share of its replicas a model is scaled to (HPA's target utilisation).</summary>
    public double TargetUtilisation { get; init; } = 0.7;

    /// <summary>"reactive": how often the autoscaler looks (HPA's sync period, 15 s in Kubernetes; compressed here).</summary>
    public double ScaleSyncSeconds { get; init; } = 1;

    /// <summary>"reactive": replicas are removed only when no recommendation of this long asked for more (HPA's scale-down stabilisation, 300 s in Kubernetes).</summary>
    public double ScaleDownSeconds { get; init; } = 10;

    /// <summary>Devices the default plan may use; 0 (default): the cores of the silo the planner runs on.</summary>
    public int Devices { get; init; }

    /// <summary>
    /// Plan with the load generator's measured CPU per request charged on these cores too (profiles/serving.json):
    /// for benchmarks whose client runs on the same machine. Off for real deployments, whose clients are elsewhere.
    /// </summary>
    public bool ChargeClient { get; init; }

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

    /// <summary>The policy <see cref="Mode"/> names; <see cref="ControlPolicy.Off"/> for a name it does not know (see <see cref="Problem"/>).</summary>
    public ControlPolicy Policy => Mode.ToLowerInvariant() switch
    {
        "gears" or "auto" => ControlPolicy.Gears,
        "static" => ControlPolicy.Static,
        "reactive" => ControlPolicy.Reactive,
        "switching" => ControlPolicy.Switching,
        _ => ControlPolicy.Off,
    };

    /// <summary>Whether the gateway starts each pipeline's planner (every mode but "off").</summary>
    public bool IsAuto => Policy != ControlPolicy.Off;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Problem() =>
        Policy == ControlPolicy.Off && !string.Equals(Mode, "off", StringComparison.OrdinalIgnoreCase)
            ? $"Gearbox:Control:Mode must be one of gears (or auto), static, reactive, switching, off — not '{Mode}'" :
        Policy == ControlPolicy.Static && !(PeakLoad > 0) ? "Gearbox:Control:Mode 'static' sizes one configuration for a peak: give Gearbox:Control:PeakLoad (req/s, > 0)" :
        !(TargetUtilisation is > 0 and <= 1) ? $"Gearbox:Control:TargetUtilisation must be in (0, 1], not {TargetUtilisation}" :
        !(ScaleSyncSeconds > 0) ? $"Gearbox:Control:ScaleSyncSeconds must be positive, not {ScaleSyncSeconds}" :
        !(ScaleDownSeconds >= 0) ? $"Gearbox:Control:ScaleDownSeconds must be ≥ 0, not {ScaleDownSeconds}" :
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
