using Gearbox.Contracts.Planning;
using Gearbox.Planning.Simulation;

namespace Gearbox.Planning;

/// <summary>Between the planner's unit arrays and a <see cref="Gear"/>'s per-model dictionaries.</summary>
public static class GearMapping
{
    public static SimulatedGear ToSimulated(PipelineModel model, Gear gear)
    {
        var cascade = model.Estimator.Models;
        return new SimulatedGear(
            cascade[..^1].Select(m => gear.Thresholds[m]).ToArray(),
            model.Units.Select(u => gear.Replicas[u]).ToArray(),
            model.Units.Select(u => gear.MaxBatch[u]).ToArray(),
            model.Units.Select(gear.ThreadsOf).ToArray());
    }

    public static SimulatedGear ToSimulated(FrontPoint point, Provision provision) =>
        new(point.Thresholds, provision.Replicas, provision.MaxBatch, provision.Threads);

    public static Dictionary<string, double> Thresholds(PipelineModel model, double[] thresholds) =>
        model.Estimator.Models[..^1].Select((m, i) => (m, t: thresholds[i])).ToDictionary(x => x.m, x => x.t);

    public static Dictionary<string, int> PerUnit(PipelineModel model, int[] values) =>
        model.Units.Select((u, i) => (u, v: values[i])).ToDictionary(x => x.u, x => x.v);
}
