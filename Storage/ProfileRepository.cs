using Gearbox.Contracts.Profiles;
using Gearbox.Profiling;

namespace Gearbox.Storage;

/// <summary>
/// Model profiles in the document store, one document per model, in the same JSON format as the
/// profile files (<see cref="ProfileFile"/>), so a profile can move between the two unchanged.
/// </summary>
public sealed class ProfileRepository(IDocumentStore store)
{
    public const string Partition = "profiles";

    /// <summary>Saves (replaces) the model's profile: the newest measurement wins.</summary>
    public Task SaveAsync(ModelProfile profile, CancellationToken cancellationToken = default) =>
        store.PutAsync(Partition, profile.Model, ProfileFile.Serialize(profile), DocumentETag.Any, cancellationToken);

    public async Task<ModelProfile?> GetAsync(string model, CancellationToken cancellationToken = default)
    {
        var document = await store.GetAsync(Partition, model, cancellationToken);
        return document is null ? null : ProfileFile.Deserialize(document.Json);
    }

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        store.ListAsync(Partition, cancellationToken);

    /// <summary>Copies every profile file of <paramref name="files"/> into the store; returns the models copied.</summary>
    public async Task<IReadOnlyList<string>> ImportAsync(ProfileFile files, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(files.Directory)) return [];
        var models = Directory.GetFiles(files.Directory, "*.profile.json")
            .Select(path => Path.GetFileName(path)[..^".profile.json".Length]).Order(StringComparer.Ordinal).ToArray();
        foreach (var model in models)
            await SaveAsync(files.Load(model), cancellationToken);
        return models;
    }
}
