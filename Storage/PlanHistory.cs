using System.Globalization;
using System.Text.Json;

namespace Gearbox.Storage;

/// <summary>
/// The gear plans of one pipeline, every version kept: document "v00000001", "v00000002", ... in the
/// partition "plans/{pipeline}". The current plan is the highest version. Saving creates the next
/// version create-only, so two planners saving at once cannot both win: the second gets a
/// <see cref="DocumentConflictException"/>. Generic over the plan type (serialized with System.Text.Json).
/// </summary>
public sealed class PlanHistory<TPlan>(IDocumentStore store, string pipeline, JsonSerializerOptions? json = null, TimeProvider? clock = null)
{
    private readonly JsonSerializerOptions _json = json ?? StorageJson.Options;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Pipeline { get; } = pipeline;
    public string Partition => $"plans/{Pipeline}";

    /// <summary>
    /// Saves <paramref name="plan"/> as a new version. With <paramref name="basedOn"/> (the version the caller
    /// started from) the save conflicts if anyone saved after it; without, it follows the latest version.
    /// </summary>
    public async Task<PlanVersion<TPlan>> SaveNewVersionAsync(TPlan plan, int? basedOn = null, CancellationToken cancellationToken = default)
    {
        var previous = basedOn ?? (await ListVersionsAsync(cancellationToken)).DefaultIfEmpty(0).Max();
        var saved = new PlanVersion<TPlan>(previous + 1, _clock.GetUtcNow(), plan);
        await store.PutAsync(Partition, KeyOf(saved.Version), JsonSerializer.Serialize(saved, _json), expectedETag: null, cancellationToken);
        return saved;
    }

    public async Task<PlanVersion<TPlan>?> GetCurrentAsync(CancellationToken cancellationToken = default)
    {
        var versions = await ListVersionsAsync(cancellationToken);
        return versions.Count == 0 ? null : await GetVersionAsync(versions[^1], cancellationToken);
    }

    public async Task<PlanVersion<TPlan>?> GetVersionAsync(int version, CancellationToken cancellationToken = default)
    {
        var document = await store.GetAsync(Partition, KeyOf(version), cancellationToken);
        return document is null ? null
            : JsonSerializer.Deserialize<PlanVersion<TPlan>>(document.Json, _json)
              ?? throw new InvalidDataException($"Plan version {version} of '{Pipeline}' is empty.");
    }

    /// <summary>The saved versions, oldest first.</summary>
    public async Task<IReadOnlyList<int>> ListVersionsAsync(CancellationToken cancellationToken = default)
    {
        var keys = await store.ListAsync(Partition, cancellationToken);
        return keys.Where(k => k.StartsWith('v')).Select(k => int.Parse(k.AsSpan(1), CultureInfo.InvariantCulture)).Order().ToArray();
    }

    private static string KeyOf(int version) => version.ToString("'v'00000000", CultureInfo.InvariantCulture);
}
