namespace Gearbox.Planning;

/// <param name="CheckWithSimulator">Run each chosen gear through the simulator at its band's top load and tighten it when it misses.</param>
/// <param name="SimulatedRequests">Least requests per check (Poisson at the band's top load).</param>
/// <param name="SimulatedMs">Simulated time per check when that stays within <paramref name="MaxSimulatedRequests"/>, so checks at high load span many batch cycles.</param>
/// <param name="MaxSimulatedRequests">Cap on requests per check, which bounds planning time at very high loads.</param>
/// <param name="Seed">Seed of the simulator's random draws, so plans are reproducible.</param>
/// <param name="CpuCap">Share of a gear's devices' CPU that its replicas and the serving path together may keep busy.</param>
public sealed record PlannerOptions(bool CheckWithSimulator = true, int SimulatedRequests = 6000, double SimulatedMs = 250,
    int MaxSimulatedRequests = 30_000, int Seed = 7, double CpuCap = QueueingEstimate.MaxUtilisation)
{
    public double CheckDurationMs(double load) =>
        Math.Max(SimulatedRequests / load * 1000, Math.Min(SimulatedMs, MaxSimulatedRequests / load * 1000));

    /// <summary>SLO attainment a gear must reach in the check (p99 within the SLO, drops counted as misses).</summary>
    public const double RequiredAttainment = 0.99;

    /// <summary>Each retry of a gear that missed in the simulator plans against this much smaller a latency budget.</summary>
    public const double TightenFactor = 0.85;
    public const int MaxTightenings = 4;
}
