using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>What is written through one store instance or silo survives it, on a real Azurite.</summary>
public sealed class AzureRestartTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_new_store_instance_sees_the_plan_history_written_by_the_previous_one()
    {
        var table = AzuriteFixture.NewTableName();
        var before = new PlanHistory<TestPlan>(new AzureTableDocumentStore(azurite.Azurite.ConnectionString, table), "fashion");
        await before.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.7));
        var saved = await before.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.8));

        // A fresh client, as a restarted process would build it from the same configuration.
        var after = new PlanHistory<TestPlan>(new AzureTableDocumentStore(azurite.Azurite.ConnectionString, table), "fashion");
        var current = await after.GetCurrentAsync();

        Assert.NotNull(current);
        Assert.Equal(2, current.Version);
        Assert.Equal(saved.SavedAt, current.SavedAt);
        Assert.True(TestPlan.Sample("fashion", 0.8).SameAs(current.Plan));
        Assert.Equal([1, 2], await after.ListVersionsAsync());
        Assert.True(TestPlan.Sample("fashion", 0.7).SameAs((await after.GetVersionAsync(1))!.Plan));
    }

    [Fact]
    public async Task Grain_state_survives_a_restart_of_the_cluster()
    {
        var table = AzuriteFixture.NewTableName();
        await using (var first = await GearboxStorageCluster.StartAsync(azurite.Azurite.ConnectionString, table))
        {
            var counter = first.Client.GetGrain<IStorageCounterGrain>("planner/fashion");
            await counter.Add(3);
            Assert.Equal(7, await counter.Add(4));
            await first.StopAllSilosAsync();
        }

        await using var second = await GearboxStorageCluster.StartAsync(azurite.Azurite.ConnectionString, table);
        var restored = second.Client.GetGrain<IStorageCounterGrain>("planner/fashion");
        Assert.Equal(7, await restored.Get());
        Assert.Equal(9, await restored.Add(2));
        Assert.Equal(0, await second.Client.GetGrain<IStorageCounterGrain>("planner/other").Get());

        // And the state really is in the table, not in some silo-local cache.
        var store = new AzureTableDocumentStore(azurite.Azurite.ConnectionString, table);
        var stored = await store.ListAsync($"grain/{restored.GetGrainId()}");
        Assert.Equal(["gearbox.counter"], stored);
    }
}
