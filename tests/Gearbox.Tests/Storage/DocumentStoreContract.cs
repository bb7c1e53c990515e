using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IDocumentStore"/> must have; run once per implementation
/// (in memory, and Azure Tables on a real Azurite), so both keep the same semantics.
/// </summary>
public abstract class DocumentStoreContract
{
    protected abstract IDocumentStore NewStore();

    [Fact]
    public async Task Created_document_round_trips_with_its_etag()
    {
        var store = NewStore();
        var etag = await store.PutAsync("p", "k", """{"a":1,"text":"héllo ✓"}""", expectedETag: null);
        var read = await store.GetAsync("p", "k");
        Assert.NotNull(read);
        Assert.Equal("""{"a":1,"text":"héllo ✓"}""", read.Json);
        Assert.Equal(etag, read.ETag);
        Assert.Null(await store.GetAsync("p", "other"));
        Assert.Null(await store.GetAsync("other", "k"));
    }

    [Fact]
    public async Task Create_only_write_conflicts_when_the_document_exists()
    {
        var store = NewStore();
        await store.PutAsync("p", "k", "1", expectedETag: null);
        var conflict = await Assert.ThrowsAsync<DocumentConflictException>(() => store.PutAsync("p", "k", "2", expectedETag: null));
        Assert.Contains("'k'", conflict.Message);
        Assert.Equal("1", (await store.GetAsync("p", "k"))!.Json);
    }

    [Fact]
    public async Task Write_with_a_stale_etag_conflicts_and_keeps_the_newer_version()
    {
        var store = NewStore();
        var first = await store.PutAsync("p", "k", "1", expectedETag: null);
        var second = await store.PutAsync("p", "k", "2", first);
        Assert.NotEqual(first, second);
        await Assert.ThrowsAsync<DocumentConflictException>(() => store.PutAsync("p", "k", "3", first));
        var read = await store.GetAsync("p", "k");
        Assert.Equal(("2", second), (read!.Json, read.ETag));
    }

    [Fact]
    public async Task Write_with_the_etag_of_a_deleted_document_conflicts()
    {
        var store = NewStore();
        var etag = await store.PutAsync("p", "k", "1", expectedETag: null);
        Assert.True(await store.DeleteAsync("p", "k"));
        await Assert.ThrowsAsync<DocumentConflictException>(() => store.PutAsync("p", "k", "2", etag));
        Assert.Null(await store.GetAsync("p", "k"));
    }

    [Fact]
    public async Task Unconditional_write_replaces_or_creates()
    {
        var store = NewStore();
        await store.PutAsync("p", "k", "1", DocumentETag.Any);
        await store.PutAsync("p", "k", "2", DocumentETag.Any);
        Assert.Equal("2", (await store.GetAsync("p", "k"))!.Json);
    }

    [Fact]
    public async Task Delete_reports_whether_there_was_a_document_and_honours_the_etag()
    {
        var store = NewStore();
        Assert.False(await store.DeleteAsync("p", "k"));
        var first = await store.PutAsync("p", "k", "1", expectedETag: null);
        await store.PutAsync("p", "k", "2", first);
        await Assert.ThrowsAsync<DocumentConflictException>(() => store.DeleteAsync("p", "k", first));
        Assert.NotNull(await store.GetAsync("p", "k"));
        Assert.True(await store.DeleteAsync("p", "k", (await store.GetAsync("p", "k"))!.ETag));
        Assert.Null(await store.GetAsync("p", "k"));
    }

    [Fact]
    public async Task List_gives_the_partitions_keys_in_order_including_awkward_characters()
    {
        var store = NewStore();
        string[] keys = ["b", "a/1", "a#2", "q?x", "50%", "pipe|key", "back\\slash", "tab\tkey", "ünï", "d|x", "c|y"];
        foreach (var key in keys)
            await store.PutAsync("plans/fashion", key, $"\"{key.Length}\"", expectedETag: null);
        await store.PutAsync("plans/fashion-grid", "z", "0", expectedETag: null);

        Assert.Equal(keys.Order(StringComparer.Ordinal), await store.ListAsync("plans/fashion"));
        Assert.Equal(["z"], await store.ListAsync("plans/fashion-grid"));
        Assert.Empty(await store.ListAsync("nothing-here"));
        foreach (var key in keys)
            Assert.Equal($"\"{key.Length}\"", (await store.GetAsync("plans/fashion", key))!.Json);
    }

    [Fact]
    public async Task Of_concurrent_writers_of_one_version_exactly_one_wins()
    {
        var store = NewStore();
        var etag = await store.PutAsync("p", "k", "\"base\"", expectedETag: null);
        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try { await store.PutAsync("p", "k", $"\"writer {i}\"", etag); return i; }
            catch (DocumentConflictException) { return -1; }
        })).ToArray();
        var outcomes = await Task.WhenAll(writers);

        var winner = Assert.Single(outcomes, o => o >= 0);
        Assert.Equal(7, outcomes.Count(o => o < 0));
        Assert.Equal($"\"writer {winner}\"", (await store.GetAsync("p", "k"))!.Json);
    }

    [Fact]
    public async Task Of_concurrent_creators_exactly_one_wins()
    {
        var store = NewStore();
        var creators = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            try { await store.PutAsync("p", "new", $"{i}", expectedETag: null); return i; }
            catch (DocumentConflictException) { return -1; }
        })).ToArray();
        var outcomes = await Task.WhenAll(creators);

        var winner = Assert.Single(outcomes, o => o >= 0);
        Assert.Equal($"{winner}", (await store.GetAsync("p", "new"))!.Json);
    }

    [Fact]
    public async Task Empty_or_overlong_addresses_are_refused()
    {
        var store = NewStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("", "k"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("p", new string('k', DocumentAddress.MaxLength + 1), "1", null));
    }
}
