using Gearbox.Gateway.Protocol;
using Grpc.Core;

namespace Gearbox.Gateway.Grpc;

/// <summary>
/// Maps the protocol's problem details to gRPC statuses: 400 → INVALID_ARGUMENT, 404 → NOT_FOUND,
/// 413 and 503 (overloaded) → RESOURCE_EXHAUSTED, 503 (cluster unavailable) → UNAVAILABLE, 504 → DEADLINE_EXCEEDED. The status detail is the
/// problem's title and detail; trailers carry its stable code (<see cref="ProblemTrailer"/>, e.g.
/// "wrong-image-side"), the pointer into the request when one field is to blame, and retry-after.
/// </summary>
public static class GrpcErrors
{
    public const string ProblemTrailer = "gearbox-problem";
    public const string PointerTrailer = "gearbox-pointer";
    public const string RetryAfterTrailer = "retry-after";

    public static StatusCode CodeFor(ProtocolError error) => error.Code == "cluster-unavailable" ? StatusCode.Unavailable : error.Status switch
    {
        400 => StatusCode.InvalidArgument,
        404 => StatusCode.NotFound,
        413 => StatusCode.ResourceExhausted,
        503 => StatusCode.ResourceExhausted,
        504 => StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal,
    };

    public static RpcException ToRpcException(ProtocolError error)
    {
        var trailers = new Metadata { { ProblemTrailer, error.Code } };
        if (error.Pointer is not null) trailers.Add(PointerTrailer, error.Pointer);
        if (error.RetryAfterSeconds is { } seconds) trailers.Add(RetryAfterTrailer, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var detail = $"{error.Title}: {error.Detail}" + (error.Pointer is null ? "" : $" (at {error.Pointer})");
        return new RpcException(new Status(CodeFor(error), detail), trailers);
    }

    /// <summary>
    /// A failure of the cluster behind the gateway, as a status: a silo or the cluster out of reach
    /// (Orleans' exceptions, timeouts) is UNAVAILABLE, so clients retry elsewhere or later; inputs a
    /// grain refused are INVALID_ARGUMENT; anything else is INTERNAL. Null for exceptions this does not map.
    /// </summary>
    public static RpcException? FromException(Exception exception)
    {
        var e = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return e switch
        {
            RpcException rpc => rpc,
            Orleans.Runtime.OrleansException or TimeoutException or System.Net.Sockets.SocketException =>
                Status(StatusCode.Unavailable, "cluster-unavailable", $"The cluster serving the model is unavailable: {e.GetType().Name}: {e.Message}"),
            ArgumentException =>
                Status(StatusCode.InvalidArgument, "invalid-request", $"The pipeline refused the input: {e.Message}"),
            _ => null,
        };
    }

    public static RpcException Status(StatusCode code, string problem, string detail) =>
        new(new Status(code, detail), new Metadata { { ProblemTrailer, problem } });
}
