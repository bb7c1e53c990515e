using Gearbox.Contracts.Planning;

namespace Gearbox.Planning;

/// <summary>
/// A plan as the online lookup the planner grain does on every load report: the gear whose band holds
/// the observed load, by binary search over the bands' upper edges (no allocation). Loads above the
/// ceiling get the top gear; <see cref="IsOverCeiling"/> tells the caller it must shed load.
/// </summary>
public sealed class GearTable
{
    private readonly double[] _upperEdges;
    private readonly Gear[] _gears;

    public GearTable(GearPlan plan)
    {
        if (plan.Gears.Length == 0) throw new ArgumentException("A gear plan needs at least one gear.", nameof(plan));
        _gears = [.. plan.Gears.OrderBy(g => g.MaxLoad)];
        _upperEdges = _gears.Select(g => g.MaxLoad).ToArray();
        Plan = plan;
    }

    public GearPlan Plan { get; }
    public int Count => _gears.Length;
    public Gear this[int index] => _gears[index];

    public int IndexFor(double load)
    {
        var lo = 0;
        var hi = _upperEdges.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_upperEdges[mid] >= load) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    public Gear GetGear(double load) => _gears[IndexFor(load)];

    public bool IsOverCeiling(double load) => load > _upperEdges[^1];
}
