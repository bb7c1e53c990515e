namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Every error the inference protocol answers with, one factory per problem type, so codes, titles
/// and statuses are defined once.
/// </summary>
public static class ProtocolErrors
{
    public static ProtocolError MalformedJson(string detail, string? pointer = null) =>
        new(400, "malformed-json", "Malformed JSON", detail, pointer);

    /// <summary>Well-formed JSON that is not an infer request: a member missing or of the wrong JSON type.</summary>
    public static ProtocolError InvalidRequest(string detail, string? pointer = null) =>
        new(400, "invalid-request", "Invalid infer request", detail, pointer);

    public static ProtocolError UnsupportedDatatype(string detail, string? pointer = null) =>
        new(400, "unsupported-datatype", "Unsupported datatype", detail, pointer);

    public static ProtocolError InvalidShape(string detail, string? pointer = null) =>
        new(400, "invalid-shape", "Invalid shape", detail, pointer);

    public static ProtocolError WrongImageSide(string detail, string? pointer = null) =>
        new(400, "wrong-image-side", "Wrong image side", detail, pointer);

    public static ProtocolError ShapeDataMismatch(string detail, string? pointer = null) =>
        new(400, "shape-data-mismatch", "Shape and data do not match", detail, pointer);

    public static ProtocolError ValueOutOfRange(string detail, string? pointer = null) =>
        new(400, "value-out-of-range", "Value out of range", detail, pointer);

    public static ProtocolError InvalidSlo(string detail, string? pointer = null) =>
        new(400, "invalid-slo", "Invalid SLO", detail, pointer);

    public static ProtocolError InvalidSentAt(string detail) =>
        new(400, "invalid-sent-at", "Invalid X-Gearbox-Sent-At header", detail);

    public static ProtocolError TooManyItems(string detail, string? pointer = null) =>
        new(413, "too-many-items", "Too many items", detail, pointer);

    /// <param name="atLeastBytes">A size the body is known to reach (its Content-Length, or what was read before giving up).</param>
    public static ProtocolError BodyTooLarge(long atLeastBytes) =>
        new(413, "body-too-large", "Request body too large",
            $"The body exceeds the limit of {ProtocolLimits.MaxBodyBytes} bytes (it has at least {Math.Max(atLeastBytes, ProtocolLimits.MaxBodyBytes + 1L)}); send at most {ProtocolLimits.MaxItems} items per request.");

    /// <summary>For the endpoint: no pipeline or model of that name.</summary>
    public static ProtocolError ModelNotFound(string name, IEnumerable<string> known) =>
        new(404, "model-not-found", "Model not found",
            $"No pipeline or model is named '{name}'. Known: {string.Join(", ", known)}.");

    /// <summary>For the endpoint: shed load; the client should retry after the given seconds.</summary>
    public static ProtocolError Overloaded(string detail, int retryAfterSeconds) =>
        new(503, "overloaded", "Overloaded", detail, RetryAfterSeconds: retryAfterSeconds);

    /// <summary>For the endpoint: no silo could serve the request (all unreachable, or one failed mid-call and no retry fit the deadline).</summary>
    public static ProtocolError ClusterUnavailable(string detail, int retryAfterSeconds) =>
        new(503, "cluster-unavailable", "Cluster unavailable", detail, RetryAfterSeconds: retryAfterSeconds);

    /// <summary>For the endpoint: the request's deadline passed, so it was dropped rather than served late.</summary>
    public static ProtocolError DeadlineExceeded(string detail) =>
        new(504, "deadline-exceeded", "Deadline exceeded", detail);
}
