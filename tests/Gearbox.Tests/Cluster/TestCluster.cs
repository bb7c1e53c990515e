using Gearbox.Bench;
using Gearbox.Tests.Serving;

namespace Gearbox.Tests.Cluster;

/// <summary>
/// The fault tests' clusters (<see cref="ProcessCluster"/>, shared with the bench's --scale-out): the silo and
/// gateway builds beside this test build (same configuration and framework) and the test build's quickly
/// trained models and profiles (GEARBOX_DATA), so the suite needs no full set-up.
/// </summary>
public static class TestCluster
{
    private static readonly DirectoryInfo TestOutput = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    public static ClusterLaunch Launch
    {
        get
        {
            var (silo, gateway) = ClusterLaunch.BuildsAbove(TestOutput, configuration: TestOutput.Parent!.Name, framework: TestOutput.Name);
            return new ClusterLaunch(silo, gateway, ServingModels.Instance.Paths.DataDirectory, "faults");
        }
    }

    /// <summary>Redis, <paramref name="silos"/> silos and the gateway; <paramref name="settings"/> (key, value) go to every process.</summary>
    public static Task<ProcessCluster> StartAsync(int silos, IReadOnlyList<KeyValuePair<string, string>>? settings = null) =>
        ProcessCluster.StartAsync(Launch with { CommonSettings = settings ?? [] }, silos);
}
