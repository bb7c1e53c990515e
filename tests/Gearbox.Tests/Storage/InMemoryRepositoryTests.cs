using Gearbox.Profiling;
using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>The typed repositories over the in-memory store (their Azure path is the same store contract).</summary>
public sealed class InMemoryRepositoryTests
{
    [Fact]
    public async Task Plan_history_keeps_every_version_and_serves_the_latest()
    {
        var plans = new PlanHistory<TestPlan>(new InMemoryDocumentStore(), "fashion");
        Assert.Null(await plans.GetCurrentAsync());

        var first = await plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.6));
        var second = await plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.7), basedOn: first.Version);

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.Equal([1, 2], await plans.ListVersionsAsync());
        Assert.True(TestPlan.Sample("fashion", 0.7).SameAs((await plans.GetCurrentAsync())!.Plan));
        Assert.True(TestPlan.Sample("fashion", 0.6).SameAs((await plans.GetVersionAsync(1))!.Plan));
        Assert.Null(await plans.GetVersionAsync(3));
    }

    [Fact]
    public async Task A_plan_saved_on_an_outdated_version_conflicts()
    {
        var plans = new PlanHistory<TestPlan>(new InMemoryDocumentStore(), "fashion");
        var start = await plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.6));
        await plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.7), basedOn: start.Version);

        var conflict = await Assert.ThrowsAsync<DocumentConflictException>(
            () => plans.SaveNewVersionAsync(TestPlan.Sample("fashion", 0.8), basedOn: start.Version));
        Assert.Equal("plans/fashion", conflict.Partition);
        Assert.True(TestPlan.Sample("fashion", 0.7).SameAs((await plans.GetCurrentAsync())!.Plan));
    }

    [Fact]
    public async Task Plan_histories_of_different_pipelines_are_separate()
    {
        var store = new InMemoryDocumentStore();
        await new PlanHistory<TestPlan>(store, "fashion").SaveNewVersionAsync(TestPlan.Sample("fashion", 0.6));
        Assert.Null(await new PlanHistory<TestPlan>(store, "fashion-grid").GetCurrentAsync());
    }

    [Fact]
    public async Task Model_registry_registers_versions_once_and_lists_them()
    {
        var registry = new ModelRegistry(new InMemoryDocumentStore());
        var v1 = new ModelRegistration("cnn", "1", "/models/cnn-1.pt", """{"inputShape":[1,28,28],"classes":10}""");
        await registry.RegisterAsync(v1);
        await registry.RegisterAsync(v1 with { Version = "2", WeightsLocation = "/models/cnn-2.pt" });
        await registry.RegisterAsync(new ModelRegistration("mlp", "1", "/models/mlp-1.pt", "{}"));

        Assert.Equal(v1, await registry.GetAsync("cnn", "1"));
        Assert.Equal(["1", "2"], await registry.ListVersionsAsync("cnn"));
        Assert.Equal(3, (await registry.ListAsync()).Count);
        await Assert.ThrowsAsync<DocumentConflictException>(() => registry.RegisterAsync(v1 with { WeightsLocation = "/elsewhere.pt" }));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.RegisterAsync(v1 with { Version = "3", MetadataJson = "{not json" }));
        Assert.True(await registry.RemoveAsync("cnn", "1"));
        Assert.Null(await registry.GetAsync("cnn", "1"));
    }

    [Fact]
    public async Task Profiles_round_trip_and_import_from_profile_files()
    {
        var directory = Directory.CreateTempSubdirectory("gearbox-profiles-").FullName;
        try
        {
            var files = new ProfileFile(directory);
            files.Save(SampleProfiles.Profile("mlp", items: 500));
            files.Save(SampleProfiles.Profile("cnn", items: 500));
            var profiles = new ProfileRepository(new InMemoryDocumentStore());

            Assert.Equal(["cnn", "mlp"], await profiles.ImportAsync(files));
            Assert.Equal(["cnn", "mlp"], await profiles.ListModelsAsync());
            SampleProfiles.AssertSame(files.Load("mlp"), await profiles.GetAsync("mlp"));
            Assert.Null(await profiles.GetAsync("resnet"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_last_known_good_store_passes_through_while_the_store_is_up()
    {
        var store = new LastKnownGoodDocumentStore(new InMemoryDocumentStore());
        var etag = await store.PutAsync("p", "k", "1", null);
        await Assert.ThrowsAsync<DocumentConflictException>(() => store.PutAsync("p", "k", "2", null));
        Assert.Equal(new StoredDocument("1", etag), await store.GetAsync("p", "k"));
        Assert.Equal(0, store.StaleAnswers);
    }
}
