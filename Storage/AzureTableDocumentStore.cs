using System.Text;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using L = Gearbox.Storage.TableDocumentLayout;

namespace Gearbox.Storage;

/// <summary>
/// Documents in one Azure table (Azure Storage, Cosmos DB Table API or Azurite). A document is a head
/// entity (row "d|key") whose ETag is the document's ETag, plus chunk entities for documents over
/// 640 KiB (see <see cref="TableDocumentLayout"/>). Every write commits by one conditional write of
/// the head, so optimistic concurrency is exactly the Table service's.
/// </summary>
public sealed class AzureTableDocumentStore : IDocumentStore
{
    public const string DefaultTableName = "gearbox";

    private readonly TableClient _table;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _tableExists;

    public AzureTableDocumentStore(string connectionString, string tableName = DefaultTableName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new TableClientOptions();
        // Fail within seconds when the service is down, rather than after Azure.Core's default ~1 min of retries.
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var service = new TableServiceClient(connectionString, options);
        _table = service.GetTableClient(tableName);
        Endpoint = $"{service.Uri.ToString().TrimEnd('/')} (table '{tableName}')";
    }

    /// <summary>Where the documents live, as named in errors.</summary>
    public string Endpoint { get; }

    public Task<StoredDocument?> GetAsync(string partition, string key, CancellationToken cancellationToken = default) =>
        Guard("read", async () =>
        {
            DocumentAddress.Validate(partition, key);
            await EnsureTableAsync(cancellationToken);
            var partitionKey = TableKeyEscaping.Escape(partition);
            // A writer may replace the document and delete the chunks we are about to read: then read again.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var head = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, L.HeadRow(key), cancellationToken: cancellationToken);
                if (!head.HasValue || head.Value is null) return null;
                var chunks = await ReadChunksAsync(partitionKey, key, head.Value, cancellationToken);
                var bytes = chunks is null ? null : L.Join(head.Value, chunks);
                if (bytes is not null) return new StoredDocument(Encoding.UTF8.GetString(bytes), head.Value.ETag.ToString());
            }
            throw new DocumentConflictException(partition, key, "it kept changing while it was being read.");
        }, cancellationToken);

    public Task<string> PutAsync(string partition, string key, string json, string? expectedETag, CancellationToken cancellationToken = default) =>
        Guard("write", async () =>
        {
            DocumentAddress.Validate(partition, key);
            ArgumentNullException.ThrowIfNull(json);
            await EnsureTableAsync(cancellationToken);
            var partitionKey = TableKeyEscaping.Escape(partition);
            var old = await ReadHeadInfoAsync(partitionKey, key, cancellationToken);
            CheckPrecondition(partition, key, old, expectedETag);

            var (head, chunks) = L.Split(partitionKey, key, Encoding.UTF8.GetBytes(json), Guid.NewGuid().ToString("N"));
            foreach (var chunk in chunks)
                await _table.UpsertEntityAsync(chunk, TableUpdateMode.Replace, cancellationToken);

            Response committed;
            try
            {
                committed = expectedETag switch
                {
                    null => await _table.AddEntityAsync(head, cancellationToken),
                    DocumentETag.Any => await _table.UpsertEntityAsync(head, TableUpdateMode.Replace, cancellationToken),
                    _ => await _table.UpdateEntityAsync(head, new ETag(expectedETag), TableUpdateMode.Replace, cancellationToken),
                };
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                await DeleteChunksAsync(partitionKey, key, head);
                throw new DocumentConflictException(partition, key, e.Status == 409
                    ? "another writer created it first (create-only write)."
                    : $"another writer changed or deleted it first (expected ETag {expectedETag}).", e);
            }
            if (old is not null) await DeleteChunksAsync(partitionKey, key, old.Value.Head);
            return committed.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"{Endpoint} returned no ETag for '{key}'.");
        }, cancellationToken);

    public Task<bool> DeleteAsync(string partition, string key, string? expectedETag = null, CancellationToken cancellationToken = default) =>
        Guard("delete", async () =>
        {
            DocumentAddress.Validate(partition, key);
            await EnsureTableAsync(cancellationToken);
            var partitionKey = TableKeyEscaping.Escape(partition);
            var old = await ReadHeadInfoAsync(partitionKey, key, cancellationToken);
            if (old is null) return false;
            var ifMatch = expectedETag is null or DocumentETag.Any ? ETag.All : new ETag(expectedETag);
            if (ifMatch != ETag.All && old.Value.ETag != expectedETag)
                throw new DocumentConflictException(partition, key, $"it was changed (expected ETag {expectedETag}, stored {old.Value.ETag}).");
            try
            {
                await _table.DeleteEntityAsync(partitionKey, L.HeadRow(key), ifMatch, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                throw new DocumentConflictException(partition, key, $"another writer changed it first (expected ETag {expectedETag}).", e);
            }
            await DeleteChunksAsync(partitionKey, key, old.Value.Head);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string partition, CancellationToken cancellationToken = default) =>
        Guard("list", async () =>
        {
            DocumentAddress.Validate(partition, "-");
            await EnsureTableAsync(cancellationToken);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeyEscaping.Escape(partition)} and RowKey ge {L.HeadRowsFrom} and RowKey lt {L.HeadRowsTo}");
            var keys = new List<string>();
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
                keys.Add(L.KeyOfHeadRow(entity.RowKey));
            keys.Sort(StringComparer.Ordinal);
            return (IReadOnlyList<string>)keys;
        }, cancellationToken);

    private static void CheckPrecondition(string partition, string key, (TableEntity Head, string ETag)? old, string? expectedETag)
    {
        // Early, cheap answer; the conditional head write below is what actually decides.
        if (expectedETag is null && old is not null)
            throw new DocumentConflictException(partition, key, "it already exists (create-only write).");
        if (expectedETag is not null and not DocumentETag.Any && old?.ETag != expectedETag)
            throw new DocumentConflictException(partition, key, old is null
                ? $"it was deleted (expected ETag {expectedETag})."
                : $"it was changed (expected ETag {expectedETag}, stored {old.Value.ETag}).");
    }

    private async Task<(TableEntity Head, string ETag)?> ReadHeadInfoAsync(string partitionKey, string key, CancellationToken cancellationToken)
    {
        var head = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, L.HeadRow(key),
            select: [L.GenerationProperty, L.ChunksProperty], cancellationToken: cancellationToken);
        return head.HasValue && head.Value is not null ? (head.Value, head.Value.ETag.ToString()) : null;
    }

    /// <summary>The head's chunk entities, or null when some are missing (replaced by a concurrent writer).</summary>
    private async Task<IReadOnlyList<TableEntity>?> ReadChunksAsync(string partitionKey, string key, TableEntity head, CancellationToken cancellationToken)
    {
        var count = head.GetInt32(L.ChunksProperty) ?? 0;
        if (count == 0) return [];
        var prefix = L.ChunkRowPrefix(key, head.GetString(L.GenerationProperty));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var chunks = new List<TableEntity>(count);
        await foreach (var chunk in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            chunks.Add(chunk);
        return chunks.Count == count ? chunks : null;
    }

    /// <summary>Best effort: a chunk left behind is unreachable garbage (no head names its generation), never wrong data.</summary>
    private async Task DeleteChunksAsync(string partitionKey, string key, TableEntity head)
    {
        var count = head.GetInt32(L.ChunksProperty) ?? 0;
        var generation = head.GetString(L.GenerationProperty);
        for (var i = 0; i < count && generation is not null; i++)
        {
            try { await _table.DeleteEntityAsync(partitionKey, L.ChunkRow(key, generation, i), ETag.All); }
            catch (RequestFailedException) { }
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_tableExists) return;
        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (_tableExists) return;
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _tableExists = true;
        }
        finally { _createGate.Release(); }
    }

    /// <summary>Turns "cannot reach the service" into one clear exception naming the endpoint.</summary>
    private async Task<T> Guard<T>(string operation, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (AzureFailures.IsUnavailable(e, cancellationToken))
        {
            throw new StoreUnavailableException(Endpoint, $"the {operation} failed: {AzureFailures.Describe(e).TrimEnd('.')}.", e);
        }
    }
}
