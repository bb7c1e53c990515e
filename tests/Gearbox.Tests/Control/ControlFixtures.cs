using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Planning;
using Gearbox.Planning;
using Gearbox.Planning.Control;

namespace Gearbox.Tests.Control;

/// <summary>Plans and estimates made up for the controller's unit tests (no profiles, no Orleans).</summary>
internal static class ControlFixtures
{
    public static readonly GearControlOptions Options = new();

    /// <summary>Gears with upper edges 100, 200, 400, 800 req/s.</summary>
    public static GearTable Table(params double[] edges)
    {
        if (edges.Length == 0) edges = [100, 200, 400, 800];
        var gears = edges.Select((edge, i) => new Gear(i, i == 0 ? 0 : edges[i - 1], edge,
            new Dictionary<string, double> { ["small"] = 0.9 - i * 0.1 },
            new Dictionary<string, int> { ["small"] = i + 1, ["large"] = 1 },
            new Dictionary<string, int> { ["small"] = 8, ["large"] = 8 },
            0.9, 10, i + 2, i + 2, 5, 1)).ToArray();
        return new GearTable(new GearPlan(1, DateTimeOffset.UnixEpoch, new PlanRequest("p", 50, 0.9, 8), gears, edges[^1], 1, []));
    }

    public static LoadEstimate Steady(double rate, int queue = 0) => new(DateTimeOffset.UnixEpoch, rate, rate, BurstKind.None, rate, queue, 0);
}
