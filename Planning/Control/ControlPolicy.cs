namespace Gearbox.Planning.Control;

/// <summary>Who chooses a pipeline's configuration online (Gearbox:Control:Mode). All but Gears are baselines to compare against.</summary>
public enum ControlPolicy
{
    /// <summary>Gearbox: the gear plan (cascade thresholds, replicas, batch per load band), switched by the monitored load.</summary>
    Gears,
    /// <summary>The most accurate cascade meeting the floor, provisioned once for <see cref="GearControlOptions.PeakLoad"/>; never changes.</summary>
    Static,
    /// <summary>The largest model alone with dynamic batching, its replicas scaled on utilisation like Kubernetes' HPA; no cascade.</summary>
    Reactive,
    /// <summary>One model at a time (no cascade): per load band the most accurate single model that holds it, switched like gears.</summary>
    Switching,
    /// <summary>No planner: the pipelines keep their initial configuration until someone plans and pins a gear by hand.</summary>
    Off,
}
