namespace Gearbox.Planning.Simulation;

/// <summary>
/// What the simulator runs: cascade thresholds (one per cascade model but the last), replicas and max
/// batch per unit, and threads per replica per unit (null: each unit's profiled thread count).
/// </summary>
public sealed record SimulatedGear(double[] Thresholds, int[] Replicas, int[] MaxBatch, int[]? Threads = null);

/// <summary>From <see cref="AtMs"/> on, workers follow <see cref="Gear"/>; requests keep the thresholds of the gear they arrived under.</summary>
public sealed record GearSwitch(double AtMs, SimulatedGear Gear);
