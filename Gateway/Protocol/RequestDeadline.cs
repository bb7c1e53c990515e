using System.Globalization;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// A request's deadline under Sponge's dynamic SLO: the budget starts when the client sent the request
/// (X-Gearbox-Sent-At, Unix ms) when it says so credibly, else when the request arrived, so the time
/// already spent before arrival (client queueing, network) is taken off the budget.
/// </summary>
/// <param name="DeadlineUnixMs">When the answer is due, Unix ms.</param>
/// <param name="SloMs">The SLO applied: the request's, else the pipeline's default.</param>
/// <param name="SpentBeforeArrivalMs">Arrival minus send time (0 without the header, and never negative).</param>
/// <param name="SentAtUnixMs">The header's value, or null when it was not sent.</param>
public sealed record RequestDeadline(double DeadlineUnixMs, double SloMs, double SpentBeforeArrivalMs, double? SentAtUnixMs)
{
    public const string SentAtHeader = "X-Gearbox-Sent-At";

    /// <summary>The budget left at arrival; zero or less means the request is hopeless on arrival (answer 504).</summary>
    public double BudgetAtArrivalMs => SloMs - SpentBeforeArrivalMs;

    public double RemainingMs(double nowUnixMs) => DeadlineUnixMs - nowUnixMs;

    public static ProtocolResult<RequestDeadline> Compute(string? sentAtHeader, double? requestSloMs, double defaultSloMs, TimeProvider clock) =>
        Compute(sentAtHeader, requestSloMs, defaultSloMs, UnixMs(clock));

    /// <param name="sentAtHeader">The raw header value, null or empty when absent.</param>
    /// <param name="requestSloMs">parameters.slo_ms (already validated by the parser), or null.</param>
    /// <param name="defaultSloMs">The pipeline's default SLO.</param>
    /// <param name="arrivalUnixMs">When the request arrived, on the server's clock.</param>
    public static ProtocolResult<RequestDeadline> Compute(string? sentAtHeader, double? requestSloMs, double defaultSloMs, double arrivalUnixMs)
    {
        var slo = requestSloMs ?? defaultSloMs;
        if (string.IsNullOrWhiteSpace(sentAtHeader))
            return new RequestDeadline(arrivalUnixMs + slo, slo, 0, null);

        var text = sentAtHeader.Trim();
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var sentAt) || !double.IsFinite(sentAt))
            return ProtocolErrors.InvalidSentAt($"{SentAtHeader} must be one Unix time in milliseconds (digits, optionally a decimal part); it is '{Clip(text)}'.");
        var ahead = sentAt - arrivalUnixMs;
        if (ahead > ProtocolLimits.ClockSkewAllowanceMs)
            return ProtocolErrors.InvalidSentAt(
                $"{SentAtHeader} is {ahead:F0} ms in the future of the server's clock (allowed skew {ProtocolLimits.ClockSkewAllowanceMs} ms); check the client's clock.");
        if (-ahead > ProtocolLimits.MaxSentAtAgeMs)
            return ProtocolErrors.InvalidSentAt(
                $"{SentAtHeader} is {-ahead / 1000:F0} s before arrival (at most {ProtocolLimits.MaxSentAtAgeMs / 1000:F0} s accepted); it must be Unix milliseconds, not seconds, on a synchronised clock.");

        // Within the skew allowance a send time after arrival counts as arrival: the budget never exceeds the SLO.
        var start = Math.Min(sentAt, arrivalUnixMs);
        return new RequestDeadline(start + slo, slo, arrivalUnixMs - start, sentAt);
    }

    public static double UnixMs(TimeProvider clock) => (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
