namespace Gearbox.Bench;

/// <summary>What happened to one request: HTTP status (0 when no response came), latency from its send, and the labels returned.</summary>
public readonly record struct RequestOutcome(int Image, int Status, double LatencyMs, double LagMs, int[]? Labels, string? Error)
{
    public bool IsOk => Status == 200 && Labels is not null;
    public bool IsDrop => Status == 504;
}
