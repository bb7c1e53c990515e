using System.Collections.Concurrent;

namespace Gearbox.Storage;

/// <summary>
/// Keeps serving when the store is down: remembers the last successful read (and write) of every
/// document and listing, and answers from that memory when the inner store throws
/// <see cref="StoreUnavailableException"/>. So the planner keeps using its last gear plan through a
/// storage outage. Writes are never faked: they still fail while the store is down.
/// Meant for the few, small documents Gearbox reads on its serving path (plans, profiles), not for bulk data.
/// </summary>
public sealed class LastKnownGoodDocumentStore(IDocumentStore inner) : IDocumentStore
{
    private readonly ConcurrentDictionary<(string Partition, string Key), StoredDocument?> _documents = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _listings = new();
    private long _staleAnswers;

    /// <summary>How many reads were answered from memory because the store was down.</summary>
    public long StaleAnswers => Interlocked.Read(ref _staleAnswers);

    public async Task<StoredDocument?> GetAsync(string partition, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var document = await inner.GetAsync(partition, key, cancellationToken);
            _documents[(partition, key)] = document;
            return document;
        }
        catch (StoreUnavailableException) when (_documents.TryGetValue((partition, key), out var last))
        {
            Interlocked.Increment(ref _staleAnswers);
            return last;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string partition, CancellationToken cancellationToken = default)
    {
        try
        {
            var keys = await inner.ListAsync(partition, cancellationToken);
            _listings[partition] = keys;
            return keys;
        }
        catch (StoreUnavailableException) when (_listings.TryGetValue(partition, out var last))
        {
            Interlocked.Increment(ref _staleAnswers);
            return last;
        }
    }

    public async Task<string> PutAsync(string partition, string key, string json, string? expectedETag, CancellationToken cancellationToken = default)
    {
        var etag = await inner.PutAsync(partition, key, json, expectedETag, cancellationToken);
        _documents[(partition, key)] = new StoredDocument(json, etag);
        // Only amend a listing already remembered: a listing made up from writes alone would be incomplete.
        if (_listings.TryGetValue(partition, out var keys) && !keys.Contains(key))
            _listings[partition] = keys.Append(key).Order(StringComparer.Ordinal).ToArray();
        return etag;
    }

    public async Task<bool> DeleteAsync(string partition, string key, string? expectedETag = null, CancellationToken cancellationToken = default)
    {
        var deleted = await inner.DeleteAsync(partition, key, expectedETag, cancellationToken);
        _documents[(partition, key)] = null;
        if (_listings.TryGetValue(partition, out var keys))
            _listings[partition] = keys.Where(k => k != key).ToArray();
        return deleted;
    }
}
