using System.Runtime.InteropServices;

namespace Gearbox.Batching;

/// <summary>
/// Items ordered by deadline, earliest first (ties: first come, first served). Deadlines are exposed
/// as a span so <see cref="BatchPolicy"/> can read the queue without copying it.
/// </summary>
public sealed class EdfQueue<T>
{
    private readonly List<double> _deadlines = [];
    private readonly List<T> _items = [];

    public int Count => _items.Count;

    public ReadOnlySpan<double> Deadlines => CollectionsMarshal.AsSpan(_deadlines);

    public void Enqueue(T item, double deadline)
    {
        // Insert after every item with a deadline <= this one, so equal deadlines stay in arrival order.
        int lo = 0, hi = _deadlines.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_deadlines[mid] <= deadline) lo = mid + 1; else hi = mid;
        }
        _deadlines.Insert(lo, deadline);
        _items.Insert(lo, item);
    }

    /// <summary>Removes and returns the <paramref name="count"/> earliest-deadline items.</summary>
    public List<T> DequeueFront(int count)
    {
        count = Math.Min(count, _items.Count);
        var front = _items.GetRange(0, count);
        _items.RemoveRange(0, count);
        _deadlines.RemoveRange(0, count);
        return front;
    }
}
