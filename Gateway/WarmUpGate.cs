namespace Gearbox.Gateway;

/// <summary>Opens when the start-up warm-up is over (or was not asked for); /v2/health/ready waits for it.</summary>
public sealed class WarmUpGate
{
    private volatile bool _open;

    public bool IsOpen => _open;

    public void Open() => _open = true;
}
