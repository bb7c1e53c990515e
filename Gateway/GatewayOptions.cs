namespace Gearbox.Gateway;

/// <summary>Configuration section "Gearbox:Gateway".</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gearbox:Gateway";

    /// <summary>Requests in flight above which the gateway answers 503 with Retry-After.</summary>
    public int MaxInFlight { get; set; } = 2048;

    /// <summary>Seconds a 503 asks clients to wait.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Load the declared pipelines' models right after start-up instead of on their first request.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>
    /// Then send synthetic requests through this gateway for this long (0: none), so the first clients do not
    /// meet cold code; /v2/health/ready says ready only after it.
    /// </summary>
    public double WarmUpSeconds { get; set; } = 3;

    /// <summary>The warm-up traffic's rate, requests/s over all declared pipelines.</summary>
    public double WarmUpRate { get; set; } = 400;
}
