using System.Diagnostics;
using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>Azure Tables going away: a clear error naming the endpoint, and serving on the last plan read.</summary>
public sealed class AzuriteOutageTests
{
    [Fact]
    public async Task Reads_and_writes_fail_clearly_naming_the_endpoint_once_azurite_stops()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var store = new AzureTableDocumentStore(azurite.ConnectionString, AzuriteFixture.NewTableName());
        var etag = await store.PutAsync("plans/fashion", "v00000001", "{}", expectedETag: null);

        azurite.Stop();

        var clock = Stopwatch.StartNew();
        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("plans/fashion", "v00000001"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the failure took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{azurite.Port}", read.Message);
        Assert.Contains($"127.0.0.1:{azurite.Port}", read.Endpoint);
        Assert.Contains("Gearbox:Storage:ConnectionString", read.Message);

        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PutAsync("plans/fashion", "v00000001", "{}", etag));
        Assert.Contains($"127.0.0.1:{azurite.Port}", write.Message);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListAsync("plans/fashion"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.DeleteAsync("plans/fashion", "v00000001"));
    }

    [Fact]
    public async Task A_store_that_never_reached_its_service_fails_clearly()
    {
        var port = AzuriteProcess.FreePort();
        var store = new AzureTableDocumentStore(AzuriteProcess.ConnectionStringFor(port));
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("profiles", "mlp"));
        Assert.Contains($"http://127.0.0.1:{port}/devstoreaccount1 (table 'gearbox')", error.Message);
    }

    [Fact]
    public async Task The_planner_keeps_serving_its_last_plan_while_azurite_is_down()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var cached = new LastKnownGoodDocumentStore(new AzureTableDocumentStore(azurite.ConnectionString, AzuriteFixture.NewTableName()));
        var plans = new PlanHistory<TestPlan>(cached, "fashion");
        await plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.7));
        await plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.8));
        Assert.Equal(2, (await plans.GetCurrentAsync())!.Version);
        Assert.Equal(0, cached.StaleAnswers);

        azurite.Stop();

        var during = await plans.GetCurrentAsync();
        Assert.Equal(2, during!.Version);
        Assert.True(TestPlan.Sample("fashion", 0.8).SameAs(during.Plan));
        Assert.True(cached.StaleAnswers >= 2);   // the listing and the document came from memory
        // Never faked: a new plan cannot be saved, and what was never read cannot be answered.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.9)));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => new PlanHistory<TestPlan>(cached, "fashion-grid").GetCurrentAsync());
    }
}
