namespace Gearbox.Storage;

/// <summary>A JSON document as stored, with the ETag that a conditional write must name.</summary>
public sealed record StoredDocument(string Json, string ETag);

/// <summary>
/// The one storage interface Gearbox's durable data goes through: JSON documents addressed by
/// (partition, key), with optimistic concurrency by ETag. Implementations: <see cref="AzureTableDocumentStore"/>
/// (durable) and <see cref="InMemoryDocumentStore"/> (the embedded default). Both throw
/// <see cref="DocumentConflictException"/> when a condition fails and <see cref="StoreUnavailableException"/>
/// when the backend cannot be reached.
/// </summary>
public interface IDocumentStore
{
    /// <summary>The document, or null when there is none.</summary>
    Task<StoredDocument?> GetAsync(string partition, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the document and returns its new ETag. <paramref name="expectedETag"/>: null = create only
    /// (conflict if it exists), <see cref="DocumentETag.Any"/> = write whatever is there, otherwise the
    /// ETag of the version this write replaces (conflict if it changed or vanished).
    /// </summary>
    Task<string> PutAsync(string partition, string key, string json, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the document; false when there was none. <paramref name="expectedETag"/>: null or
    /// <see cref="DocumentETag.Any"/> = unconditional, otherwise conflict if the stored version differs.
    /// </summary>
    Task<bool> DeleteAsync(string partition, string key, string? expectedETag = null, CancellationToken cancellationToken = default);

    /// <summary>The keys in the partition, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string partition, CancellationToken cancellationToken = default);
}

public static class DocumentETag
{
    /// <summary>Matches any stored version: an unconditional write.</summary>
    public const string Any = "*";
}
