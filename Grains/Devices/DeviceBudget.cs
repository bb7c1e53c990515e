using Gearbox.Contracts.Cluster;

namespace Gearbox.Devices;

/// <summary>
/// The planner's device budget: Gearbox:Control:Devices when set (an explicit override), else the devices of
/// the serving kind that the live silos announced; when no live silo announced any (membership not known yet,
/// or silos without announcements), the fallback (this silo's own count).
/// </summary>
public static class DeviceBudget
{
    public static int Of(IEnumerable<IReadOnlyList<DeviceInfo>> liveSilos, string servingKind, int configured, int fallback)
    {
        if (configured > 0) return configured;
        var announced = liveSilos.Sum(devices => devices.Where(d => d.Kind == servingKind).Sum(d => d.Count));
        return announced > 0 ? announced : fallback;
    }

    /// <summary>
    /// Whether the plan in force (made for <paramref name="plannedFor"/> devices) must be made again: the budget
    /// moved from <paramref name="previous"/> to <paramref name="now"/> and the plan was made for the previous
    /// budget (a plan asked for with another device count by hand is left alone).
    /// </summary>
    public static bool Replan(int? plannedFor, int previous, int now) => plannedFor == previous && now != previous && now > 0;
}
