namespace Gearbox.Gateway.Protocol;

/// <summary>
/// The documented size and sanity limits of the inference endpoint, in one place so the parser, the
/// problem details and docs/bench.md cannot disagree.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Most items (images) one infer request may carry; more is answered 413.</summary>
    public const int MaxItems = 256;

    /// <summary>
    /// Largest request body, bytes; more is answered 413. 256 FP32 56x56 images written with full float
    /// precision ("0.123456789,") take about 10 MB, so 16 MiB admits every request within MaxItems.
    /// </summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Largest accepted per-request SLO (parameters.slo_ms), ms.</summary>
    public const double MaxSloMs = 60_000;

    /// <summary>How far X-Gearbox-Sent-At may lie in the future of our clock (client clock skew), ms.</summary>
    public const double ClockSkewAllowanceMs = 1_000;

    /// <summary>
    /// How far X-Gearbox-Sent-At may lie in the past, ms. Far beyond any SLO, so only a wrong unit
    /// (seconds instead of milliseconds) or a broken clock trips it.
    /// </summary>
    public const double MaxSentAtAgeMs = 10 * 60_000;

    /// <summary>JSON nesting the parser accepts: root, inputs, input, and data nested up to rank 4, with room to spare.</summary>
    public const int MaxJsonDepth = 16;
}
