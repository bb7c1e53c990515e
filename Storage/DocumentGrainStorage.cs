using System.Text.Json;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Gearbox.Storage;

/// <summary>
/// Orleans grain persistence on an <see cref="IDocumentStore"/>: one JSON document per grain and state
/// (partition = grain id, key = "{storage}.{state}"), the document ETag as the grain state's ETag.
/// A write that lost a race surfaces as Orleans' <see cref="InconsistentStateException"/>.
/// State is serialized with System.Text.Json, so state classes need public, settable (or constructor) members.
/// </summary>
public sealed class DocumentGrainStorage(string storageName, IDocumentStore store, IActivatorProvider activators, JsonSerializerOptions? json = null)
    : IGrainStorage
{
    private readonly JsonSerializerOptions _json = json ?? StorageJson.Options;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var document = await store.GetAsync(PartitionOf(grainId), KeyOf(stateName));
        grainState.State = document is null ? NewState<T>() : JsonSerializer.Deserialize<T>(document.Json, _json) ?? NewState<T>();
        grainState.ETag = document?.ETag;
        grainState.RecordExists = document is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            grainState.ETag = await store.PutAsync(PartitionOf(grainId), KeyOf(stateName),
                JsonSerializer.Serialize(grainState.State, _json), grainState.ETag);
            grainState.RecordExists = true;
        }
        catch (DocumentConflictException e)
        {
            throw new InconsistentStateException($"State '{stateName}' of grain {grainId} in storage '{storageName}': {e.Message}",
                storedEtag: "unknown", currentEtag: grainState.ETag ?? "none", e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await store.DeleteAsync(PartitionOf(grainId), KeyOf(stateName), grainState.ETag);
        }
        catch (DocumentConflictException e)
        {
            throw new InconsistentStateException($"Clearing state '{stateName}' of grain {grainId} in storage '{storageName}': {e.Message}",
                storedEtag: "unknown", currentEtag: grainState.ETag ?? "none", e);
        }
        grainState.State = NewState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static string PartitionOf(GrainId grainId) => $"grain/{grainId}";
    private string KeyOf(string stateName) => $"{storageName}.{stateName}";
    private T NewState<T>() => activators.GetActivator<T>().Create();
}
