using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Planning;
using Gearbox.Planning;
using Gearbox.Planning.Baselines;
using Gearbox.Planning.Control;

namespace Gearbox.Serving;

/// <summary>
/// The "reactive" baseline's turn of the planner's loop: once per sync period, the busy share of each
/// served model's replicas from the monitor's windows, and <see cref="ReactiveAutoscaler"/>'s answer.
/// </summary>
public sealed class ReactiveLoop(PipelineModel model, GearControlOptions control, TimeProvider clock)
{
    /// <summary>The plan version the reactive baseline's configurations are recorded under (it has no gear plan).</summary>
    public const int PlanVersion = 0;

    private readonly ReactiveAutoscaler _autoscaler = new(control.TargetUtilisation, TimeSpan.FromSeconds(control.ScaleDownSeconds),
        Math.Max(1, DefaultPlan.Devices(control) - (model.HasSplitter ? 1 : 0)), clock);
    private Dictionary<string, int> _replicas = ReactiveAutoscaler.Initial(model);
    private DateTimeOffset _nextSync = clock.GetUtcNow() + TimeSpan.FromSeconds(control.ScaleSyncSeconds);

    public Gear Gear => ReactiveAutoscaler.GearOf(model, _replicas, _replicas.Values.Sum());

    /// <summary>The new configuration and why, or null when the replicas stay as they are (or it is not time to look).</summary>
    public async Task<(Gear Gear, string Reason)?> DecideAsync(IMonitorGrain monitor)
    {
        var now = clock.GetUtcNow();
        if (now < _nextSync) return null;
        _nextSync = now + TimeSpan.FromSeconds(control.ScaleSyncSeconds);
        var view = await monitor.GetLoad(control.ScaleSyncSeconds);
        if (view.Windows.Length == 0) return null;
        var spanMs = view.Windows.Length * (double)view.WindowMs;
        var utilisation = _replicas.ToDictionary(r => r.Key,
            r => view.Windows.Sum(w => w.PerModel.TryGetValue(r.Key, out var m) ? m.BusyMs : 0) / (r.Value * spanMs), StringComparer.Ordinal);
        var desired = _autoscaler.Decide(_replicas, utilisation);
        if (desired.All(d => d.Value == _replicas[d.Key])) return null;
        var reason = string.Join(", ", desired.Where(d => d.Value != _replicas[d.Key])
            .Select(d => $"{d.Key} {_replicas[d.Key]}→{d.Value} replicas at {utilisation[d.Key]:P0} busy (target {control.TargetUtilisation:P0})"));
        _replicas = desired;
        return (Gear, reason);
    }
}
