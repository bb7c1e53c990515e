using Gearbox.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>The silo registration without a connection string: grain storage "gearbox" in memory.</summary>
public sealed class InMemoryGrainStorageTests
{
    [Fact]
    public async Task Without_a_connection_string_grain_state_persists_in_memory_across_deactivation()
    {
        await using var cluster = await GearboxStorageCluster.StartAsync(connectionString: null);
        var counter = cluster.Client.GetGrain<IStorageCounterGrain>("embedded");
        Assert.Equal(5, await counter.Add(5));

        await cluster.DeactivateAsync(counter);
        Assert.Equal(5, await counter.Get());

        await counter.Clear();
        await cluster.DeactivateAsync(counter);
        Assert.Equal(0, await counter.Get());

        var silo = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
        var direct = silo.GetRequiredKeyedService<IDocumentStore>(GearboxStorageRegistration.DirectStoreKey);
        Assert.IsType<InMemoryDocumentStore>(direct);
        Assert.IsType<LastKnownGoodDocumentStore>(silo.GetRequiredService<IDocumentStore>());
    }

    [Fact]
    public async Task A_stale_grain_state_write_is_an_inconsistent_state_error()
    {
        var storage = new DocumentGrainStorage("gearbox", new InMemoryDocumentStore(), new TestActivators());
        var grainId = GrainId.Create("test", "one");
        var first = new GrainState<StorageCounterState>(new StorageCounterState());
        var second = new GrainState<StorageCounterState>(new StorageCounterState());
        await storage.ReadStateAsync("counter", grainId, first);
        await storage.ReadStateAsync("counter", grainId, second);
        Assert.False(first.RecordExists);

        first.State = new StorageCounterState { Count = 1 };
        await storage.WriteStateAsync("counter", grainId, first);
        second.State = new StorageCounterState { Count = 2 };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grainId, second));

        var reread = new GrainState<StorageCounterState>(new StorageCounterState());
        await storage.ReadStateAsync("counter", grainId, reread);
        Assert.Equal((1, true, first.ETag), (reread.State?.Count, reread.RecordExists, reread.ETag));
    }

    private sealed class TestActivators : Orleans.Serialization.Serializers.IActivatorProvider
    {
        public Orleans.Serialization.Activators.IActivator<T> GetActivator<T>() => new New<T>();

        private sealed class New<T> : Orleans.Serialization.Activators.IActivator<T>
        {
            public T Create() => Activator.CreateInstance<T>();
        }
    }
}
