using Gearbox.Contracts.Serving;
using Gearbox.Serving;

namespace Gearbox.Tests.Serving;

/// <summary>Unit tests of a worker call's one completion for all its items (pure; no grains).</summary>
public class WorkerCallTests
{
    private static WorkerCall Call(int items, CancellationToken cancellation = default) =>
        new(ImageBatch.Uint8(new byte[items * 4], 4), enqueuedAt: 0, cancellation);

    private static ItemResult Ok(int label) => new(ItemStatus.Ok, label, 0.9f, "mlp");

    [Fact]
    public async Task The_call_completes_once_every_item_is_answered_with_results_in_item_order()
    {
        var call = Call(3);
        var entries = Enumerable.Range(0, 3).Select(i => new WorkerCall.Entry(call, i)).ToArray();

        entries[2].Answer(Ok(2));
        entries[0].Answer(ItemResult.Dropped("mlp"));
        Assert.False(call.Done.IsCompleted);
        entries[1].Answer(Ok(1));

        var results = await call.Done;
        Assert.Equal(new[] { -1, 1, 2 }, results.Select(r => r.Label));
        Assert.Equal(ItemStatus.DeadlineExceeded, results[0].Status);
        Assert.True(call.HasEnded);
    }

    [Fact]
    public async Task An_item_answered_twice_counts_once()
    {
        var call = Call(2);
        call.Answer(0, Ok(5));
        call.Answer(0, Ok(6));

        Assert.False(call.Done.IsCompleted);
        call.Answer(1, Ok(7));
        Assert.Equal(new[] { 5, 7 }, (await call.Done).Select(r => r.Label));
    }

    [Fact]
    public async Task A_cancelled_call_ends_cancelled_and_ignores_later_answers()
    {
        using var source = new CancellationTokenSource();
        var call = Call(2, source.Token);
        call.Answer(0, Ok(1));
        source.Cancel();

        call.Cancel();
        call.Answer(1, Ok(2));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Done);
        Assert.Equal(source.Token, error.CancellationToken);
        Assert.True(call.HasEnded);
    }

    [Fact]
    public async Task A_failed_batch_fails_the_call_with_its_error()
    {
        var call = Call(2);
        call.Answer(0, Ok(1));
        call.Fail(new InvalidOperationException("engine died"));
        call.Answer(1, Ok(2));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.Done);
        Assert.Equal("engine died", error.Message);
    }

    [Fact]
    public void An_entry_points_at_its_item_without_copying()
    {
        var call = Call(3);
        var item = new WorkerCall.Entry(call, 2).Item;
        Assert.Same(call.Inputs, item.Batch);
        Assert.Equal(2, item.Index);
    }
}
