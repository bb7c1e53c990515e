namespace Gearbox.Planning.Simulation;

/// <summary>What the simulator runs: cascade thresholds (one per cascade model but the last), replicas and max batch per unit.</summary>
public sealed record SimulatedGear(double[] Thresholds, int[] Replicas, int[] MaxBatch);

/// <summary>From <see cref="AtMs"/> on, workers follow <see cref="Gear"/>; requests keep the thresholds of the gear they arrived under.</summary>
public sealed record GearSwitch(double AtMs, SimulatedGear Gear);
