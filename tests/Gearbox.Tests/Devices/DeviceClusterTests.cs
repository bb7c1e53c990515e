using Gearbox.Contracts.Cluster;
using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Devices;
using Gearbox.Serving;
using Gearbox.Storage;
using Gearbox.Tests.Serving;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Gearbox.Tests.Devices;

/// <summary>
/// Real in-process silos, each announcing two emulated devices in its membership metadata: the cluster view
/// reads every silo's devices, the placement spreads a model's replicas over the silos, and a third silo
/// joining raises the planner's device budget and makes it plan again.
/// </summary>
public sealed class DeviceClusterTests : IAsyncLifetime
{
    private static readonly DeviceOptions Devices = new() { Emulate = 2, EmulatedProfile = "v100-bert" };
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var models = ServingModels.Instance;
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGearboxServing(models.Paths, PipelineCatalog.Load(), devices: Devices);
            silo.AnnounceDevices(Devices);
            silo.AddGearboxStorage(new ConfigurationBuilder().Build()); // in-memory store
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IClusterGrain View => _cluster.Client.GetGrain<IClusterGrain>(0);

    [Fact]
    public async Task Every_silo_shows_its_emulated_devices_and_a_models_replicas_spread_over_the_silos()
    {
        for (var r = 0; r < 4; r++)
            await _cluster.Client.GetGrain<IWorkerGrain>($"spread/classify/mlp/{r}").Configure(new WorkerSettings("mlp", 8, 1, "cpu"));
        var view = await View.GetView();
        Assert.Equal(2, view.Silos.Length);
        Assert.Equal(4, view.DeviceBudget);
        Assert.False(view.BudgetOverridden);
        foreach (var silo in view.Silos)
        {
            Assert.Contains(silo.Devices, d => d is { Kind: "emulated", Count: 2, Emulated: true, Profile: "v100-bert" });
            Assert.Equal(2, silo.Workers.Count(w => w.StartsWith("spread/", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_joining_silo_raises_the_budget_and_the_planner_plans_again_for_it()
    {
        var planner = _cluster.Client.GetGrain<IGearPlannerGrain>("fashion");
        var floor = Math.Round(ServingModels.Instance.Profiles.Load("cnn-large").Accuracy - 0.02, 3);
        var plan = await planner.Replan(new PlanRequest("fashion", 1000, floor, Devices: 4, MaxLoad: 100, Bands: 3));
        await planner.ApplyGear(null, 0);
        await planner.Start(); // pinned: the loop runs, the gear stays pinned

        await _cluster.StartAdditionalSiloAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        GearPlan? replanned = null;
        while (DateTime.UtcNow < deadline)
        {
            replanned = await planner.GetPlan();
            if (replanned?.Request.Devices == 6) break;
            await Task.Delay(200);
        }
        Assert.Equal(6, (await View.GetView()).DeviceBudget);
        Assert.NotNull(replanned);
        Assert.Equal(6, replanned.Request.Devices);
        Assert.True(replanned.Version > plan.Version);
        var history = await planner.GetHistory();
        Assert.Contains(history, s => s.Reason.Contains("re-planned for 6 devices") && s.PlanVersion == replanned.Version);
    }
}
