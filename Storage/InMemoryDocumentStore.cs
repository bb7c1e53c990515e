namespace Gearbox.Storage;

/// <summary>
/// The embedded default store: process memory, same semantics as the Azure one (ETags, conflicts),
/// nothing survives the process.
/// </summary>
public sealed class InMemoryDocumentStore : IDocumentStore
{
    private readonly Dictionary<(string Partition, string Key), StoredDocument> _documents = new();
    private readonly Lock _gate = new();
    private long _lastVersion;

    public Task<StoredDocument?> GetAsync(string partition, string key, CancellationToken cancellationToken = default)
    {
        DocumentAddress.Validate(partition, key);
        lock (_gate) return Task.FromResult(_documents.GetValueOrDefault((partition, key)));
    }

    public Task<string> PutAsync(string partition, string key, string json, string? expectedETag, CancellationToken cancellationToken = default)
    {
        DocumentAddress.Validate(partition, key);
        ArgumentNullException.ThrowIfNull(json);
        lock (_gate)
        {
            var current = _documents.GetValueOrDefault((partition, key));
            if (expectedETag is null && current is not null)
                throw new DocumentConflictException(partition, key, "it already exists (create-only write).");
            if (expectedETag is not null and not DocumentETag.Any && current?.ETag != expectedETag)
                throw new DocumentConflictException(partition, key, current is null
                    ? $"it was deleted (expected ETag {expectedETag})."
                    : $"it was changed (expected ETag {expectedETag}, stored {current.ETag}).");
            var stored = new StoredDocument(json, $"mem-{++_lastVersion}");
            _documents[(partition, key)] = stored;
            return Task.FromResult(stored.ETag);
        }
    }

    public Task<bool> DeleteAsync(string partition, string key, string? expectedETag = null, CancellationToken cancellationToken = default)
    {
        DocumentAddress.Validate(partition, key);
        lock (_gate)
        {
            var current = _documents.GetValueOrDefault((partition, key));
            if (expectedETag is not null and not DocumentETag.Any && current is not null && current.ETag != expectedETag)
                throw new DocumentConflictException(partition, key, $"it was changed (expected ETag {expectedETag}, stored {current.ETag}).");
            return Task.FromResult(_documents.Remove((partition, key)));
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string partition, CancellationToken cancellationToken = default)
    {
        DocumentAddress.Validate(partition, "-");
        lock (_gate)
        {
            IReadOnlyList<string> keys = _documents.Keys.Where(k => k.Partition == partition)
                .Select(k => k.Key).Order(StringComparer.Ordinal).ToArray();
            return Task.FromResult(keys);
        }
    }
}
