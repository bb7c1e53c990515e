using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;

namespace Gearbox.Planning.Control;

/// <summary>
/// The plan a pipeline gets when nobody asked for one: its declared SLO and accuracy floor
/// (pipelines.json), on the devices configured in Gearbox:Control:Devices or else this machine's cores,
/// up to the load those devices can hold.
/// </summary>
public static class DefaultPlan
{
    /// <param name="devices">The device budget when known (the live silos' devices); else <see cref="Devices"/>.</param>
    public static PlanRequest For(PipelineDefinition pipeline, GearControlOptions control, int? devices = null) =>
        new(pipeline.Name, pipeline.DefaultSloMs, pipeline.MinAccuracy, devices ?? Devices(control));

    /// <summary>Gearbox:Control:Devices, or this machine's cores.</summary>
    public static int Devices(GearControlOptions control) => control.Devices > 0 ? control.Devices : Environment.ProcessorCount;
}
