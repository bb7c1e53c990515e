using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>A test-only grain whose state goes through the "gearbox" grain storage.</summary>
[Alias("gearbox.tests.storage-counter")]
public interface IStorageCounterGrain : IGrainWithStringKey
{
    [Alias("add")] Task<int> Add(int amount);
    [Alias("get")] Task<int> Get();
    [Alias("clear")] Task Clear();
}

[GenerateSerializer, Alias("gearbox.tests.storage-counter-state")]
public sealed class StorageCounterState
{
    [Id(0)] public int Count { get; set; }
    [Id(1)] public List<string> History { get; set; } = [];
}

public sealed class StorageCounterGrain(
    [PersistentState("counter", GearboxStorageRegistration.GrainStorageName)] IPersistentState<StorageCounterState> counter)
    : Grain, IStorageCounterGrain
{
    public async Task<int> Add(int amount)
    {
        counter.State.Count += amount;
        counter.State.History.Add($"+{amount}");
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task Clear() => counter.ClearStateAsync();
}
