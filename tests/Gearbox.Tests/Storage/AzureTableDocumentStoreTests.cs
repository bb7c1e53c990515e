using System.Text;
using Azure.Data.Tables;
using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>The store contract, and the chunked layout of large documents, on a real Azurite.</summary>
public sealed class AzureTableDocumentStoreTests(AzuriteFixture azurite) : DocumentStoreContract, IClassFixture<AzuriteFixture>
{
    private const int Segment = TableDocumentLayout.SegmentBytes;
    private const int HeadBytes = TableDocumentLayout.HeadSegments * Segment;
    private const int ChunkBytes = TableDocumentLayout.ChunkSegments * Segment;

    protected override IDocumentStore NewStore() => new AzureTableDocumentStore(azurite.Azurite.ConnectionString, AzuriteFixture.NewTableName());

    [Fact]
    public async Task A_multi_MiB_document_round_trips_across_chunk_entities_and_shrinks_back_to_one()
    {
        var table = AzuriteFixture.NewTableName();
        var store = new AzureTableDocumentStore(azurite.Azurite.ConnectionString, table);
        var large = LargeJson(5 * 1024 * 1024, seed: 1);

        var etag = await store.PutAsync("profiles", "big", large, expectedETag: null);
        var read = await store.GetAsync("profiles", "big");
        Assert.Equal(large, read!.Json);
        Assert.Equal(etag, read.ETag);
        Assert.True(Encoding.UTF8.GetByteCount(large) > 5 * 1024 * 1024);
        Assert.Equal(EntitiesFor(large), await EntityCountAsync(table, "profiles"));
        Assert.True(EntitiesFor(large) >= 6);

        var small = await store.PutAsync("profiles", "big", "{\"small\":true}", etag);
        Assert.Equal("{\"small\":true}", (await store.GetAsync("profiles", "big"))!.Json);
        Assert.Equal(1, await EntityCountAsync(table, "profiles"));   // the old generation's chunks are gone
        Assert.Equal(["big"], await store.ListAsync("profiles"));

        Assert.True(await store.DeleteAsync("profiles", "big", small));
        Assert.Equal(0, await EntityCountAsync(table, "profiles"));
    }

    [Theory]
    [InlineData(Segment)]                                  // exactly one property
    [InlineData(Segment + 1)]                              // spills into a second property
    [InlineData(HeadBytes)]                                // exactly fills the head
    [InlineData(HeadBytes + 1)]                            // one byte into the first chunk
    [InlineData(HeadBytes + ChunkBytes)]                   // exactly fills head + one chunk
    [InlineData(HeadBytes + ChunkBytes + 1)]               // one byte into the second chunk
    public async Task Documents_at_the_property_and_entity_boundaries_round_trip(int bytes)
    {
        var store = NewStore();
        var json = "\"" + new string('x', bytes - 2) + "\"";
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(json));
        await store.PutAsync("p", "edge", json, expectedETag: null);
        Assert.Equal(json, (await store.GetAsync("p", "edge"))!.Json);
    }

    [Fact]
    public async Task Concurrent_writers_of_a_chunked_document_leave_exactly_the_winners_bytes()
    {
        var table = AzuriteFixture.NewTableName();
        var store = new AzureTableDocumentStore(azurite.Azurite.ConnectionString, table);
        var etag = await store.PutAsync("plans/fashion", "v", LargeJson(2 * 1024 * 1024, seed: 2), expectedETag: null);
        var candidates = new[] { LargeJson(3 * 1024 * 1024, seed: 3), LargeJson(3 * 1024 * 1024, seed: 4) };

        var outcomes = await Task.WhenAll(candidates.Select((json, i) => Task.Run(async () =>
        {
            try { await store.PutAsync("plans/fashion", "v", json, etag); return i; }
            catch (DocumentConflictException) { return -1; }
        })));

        var winner = Assert.Single(outcomes, o => o >= 0);
        Assert.Equal(candidates[winner], (await store.GetAsync("plans/fashion", "v"))!.Json);
        // Only the winner's entities remain: the loser's chunks and the replaced generation's were removed.
        Assert.Equal(EntitiesFor(candidates[winner]), await EntityCountAsync(table, "plans%002Ffashion"));
    }

    [Fact]
    public async Task A_profile_sized_document_stays_in_one_entity()
    {
        var table = AzuriteFixture.NewTableName();
        var profiles = new ProfileRepository(new AzureTableDocumentStore(azurite.Azurite.ConnectionString, table));
        var profile = SampleProfiles.Profile("mlp", items: 10_000);

        await profiles.SaveAsync(profile);
        var read = await profiles.GetAsync("mlp");

        Assert.True(Encoding.UTF8.GetByteCount(Gearbox.Profiling.ProfileFile.Serialize(profile)) > 64 * 1024);
        SampleProfiles.AssertSame(profile, read);
        Assert.Equal(1, await EntityCountAsync(table, ProfileRepository.Partition));
    }

    private async Task<int> EntityCountAsync(string table, string partitionKey)
    {
        var client = new TableClient(azurite.Azurite.ConnectionString, table);
        var count = 0;
        await foreach (var _ in client.QueryAsync<TableEntity>(e => e.PartitionKey == partitionKey, select: ["RowKey"]))
            count++;
        return count;
    }

    /// <summary>The head, plus one chunk entity per 704 KiB beyond the head's 640 KiB.</summary>
    private static int EntitiesFor(string json)
    {
        var beyondHead = Math.Max(0, Encoding.UTF8.GetByteCount(json) - HeadBytes);
        return 1 + (beyondHead + ChunkBytes - 1) / ChunkBytes;
    }

    /// <summary>A JSON array of strings with multi-byte characters, at least <paramref name="bytes"/> long in UTF-8.</summary>
    private static string LargeJson(int bytes, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder("[");
        while (builder.Length < bytes)
            builder.Append('"').Append(random.Next()).Append("-ünï✓\",");
        return builder.Append("\"end\"]").ToString();
    }
}
