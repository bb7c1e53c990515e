using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// A request the gateway refuses, as RFC 9457 problem details: the HTTP status, a stable code (the
/// last part of the problem type URI), a short title per code and a detail that says precisely what
/// was wrong. <see cref="Pointer"/> is a JSON pointer (RFC 6901) into the request body when one
/// member is to blame; <see cref="RetryAfterSeconds"/> is set for 503.
/// </summary>
public sealed record ProtocolError(
    int Status,
    string Code,
    string Title,
    string Detail,
    string? Pointer = null,
    int? RetryAfterSeconds = null)
{
    public const string ContentType = "application/problem+json";
    private const string TypePrefix = "urn:gearbox:problem:";

    /// <summary>The problem type URI, e.g. urn:gearbox:problem:wrong-image-side.</summary>
    public string Type => TypePrefix + Code;

    /// <summary>
    /// The problem details object to hand to Results.Problem. A pointer goes into an "errors" member
    /// shaped as in RFC 9457's own example: [{ "detail": ..., "pointer": ... }].
    /// </summary>
    public ProblemDetails ToProblemDetails()
    {
        var problem = new ProblemDetails { Type = Type, Title = Title, Status = Status, Detail = Detail };
        if (Pointer is not null)
            problem.Extensions["errors"] = new[] { new ProblemPointer(Detail, Pointer) };
        return problem;
    }

    public override string ToString() => $"{Status} {Code}: {Detail}" + (Pointer is null ? "" : $" (at {Pointer})");
}

/// <summary>One entry of the "errors" extension member.</summary>
public sealed record ProblemPointer(
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("pointer")] string Pointer);
