using Gearbox.Contracts.Serving;

namespace Gearbox.Serving;

/// <summary>
/// One call to a worker: its items, their results as batches answer them, and one completion for the
/// whole call (no per-item task). It completes with every item's result once the last one is answered,
/// cancelled when its caller gave up, or failed with the error of a batch one of its items was in. Used
/// on the worker's activation only (not thread-safe).
/// </summary>
public sealed class WorkerCall(ImageBatch inputs, double enqueuedAt, CancellationToken cancellation)
{
    private readonly ItemResult[] _results = new ItemResult[inputs.Count];
    private readonly TaskCompletionSource<ItemResult[]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unanswered = inputs.Count;

    public ImageBatch Inputs { get; } = inputs;
    public double EnqueuedAt { get; } = enqueuedAt;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Every item's result in order, once all are answered.</summary>
    public Task<ItemResult[]> Done => _done.Task;

    /// <summary>Answered, cancelled or failed: its remaining items need not run.</summary>
    public bool HasEnded => _done.Task.IsCompleted;

    /// <summary>Records item <paramref name="index"/>'s result (the first one counts); the last one completes the call. Ignored once the call has ended.</summary>
    public void Answer(int index, ItemResult result)
    {
        if (HasEnded || _results[index] is not null) return;
        _results[index] = result;
        if (--_unanswered == 0) _done.TrySetResult(_results);
    }

    public void Cancel() => _done.TrySetCanceled(Cancellation);

    public void Fail(Exception error) => _done.TrySetException(error);

    /// <summary>What the worker's deadline queue holds: one item of one call (a small value, no task of its own).</summary>
    public readonly record struct Entry(WorkerCall Call, int Index)
    {
        public ImageItem Item => new(Call.Inputs, Index);

        public void Answer(ItemResult result) => Call.Answer(Index, result);
    }
}
