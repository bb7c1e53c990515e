namespace Gearbox.Gateway;

/// <summary>Counts requests in flight and turns away those over the limit (503), so overload cannot pile up unbounded.</summary>
public sealed class Admission(int maxInFlight)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= maxInFlight) return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
