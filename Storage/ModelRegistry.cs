using System.Text.Json;

namespace Gearbox.Storage;

/// <summary>
/// The model registry: one document per (name, version) in the partition "models", keyed "name/version".
/// A version, once registered, is not silently overwritten: registering it again is a conflict.
/// </summary>
public sealed class ModelRegistry(IDocumentStore store)
{
    public const string Partition = "models";
    private static readonly JsonSerializerOptions Json = StorageJson.Options;

    public async Task RegisterAsync(ModelRegistration model, CancellationToken cancellationToken = default)
    {
        Check(model.Name, model.Version);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.WeightsLocation);
        try
        {
            using var _ = JsonDocument.Parse(model.MetadataJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The metadata of model '{model.Name}' version '{model.Version}' is not JSON: {e.Message}", nameof(model), e);
        }
        await store.PutAsync(Partition, KeyOf(model.Name, model.Version), JsonSerializer.Serialize(model, Json), expectedETag: null, cancellationToken);
    }

    public async Task<ModelRegistration?> GetAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        Check(name, version);
        var document = await store.GetAsync(Partition, KeyOf(name, version), cancellationToken);
        return document is null ? null : JsonSerializer.Deserialize<ModelRegistration>(document.Json, Json);
    }

    /// <summary>The registered versions of <paramref name="name"/>, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).Where(m => m.Name == name).Select(m => m.Version).ToArray();

    /// <summary>Every registered (name, version).</summary>
    public async Task<IReadOnlyList<(string Name, string Version)>> ListAsync(CancellationToken cancellationToken = default) =>
        (await store.ListAsync(Partition, cancellationToken)).Select(key => key.Split('/', 2)).Select(p => (p[0], p[1])).ToArray();

    public Task<bool> RemoveAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        Check(name, version);
        return store.DeleteAsync(Partition, KeyOf(name, version), cancellationToken: cancellationToken);
    }

    private static string KeyOf(string name, string version) => $"{name}/{version}";

    private static void Check(string name, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        if (name.Contains('/'))
            throw new ArgumentException($"A model name may not contain '/': '{name}'.", nameof(name));
    }
}
