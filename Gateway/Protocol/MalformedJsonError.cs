using System.Text.Json;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Turns the reader's JsonException into a 400 that says where the JSON broke. NaN and Infinity get
/// their own reason: Python's json.dumps writes them, but they are neither JSON nor valid pixels.
/// </summary>
internal static class MalformedJsonError
{
    public static ProtocolError From(JsonException e, ReadOnlySpan<byte> body)
    {
        var line = e.LineNumber ?? 0;
        var column = e.BytePositionInLine ?? 0;
        var offset = OffsetOf(body, line, column);
        if (offset >= 0 && StartsNonFinite(body[(int)offset..]))
            return ProtocolErrors.ValueOutOfRange(
                $"The body holds NaN or Infinity (line {line + 1}, byte {column + 1}); those are not JSON numbers, and pixel values must be finite.");
        var reason = e.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut];
        return ProtocolErrors.MalformedJson($"The body is not valid JSON at line {line + 1}, byte {column + 1}: {reason}");
    }

    private static long OffsetOf(ReadOnlySpan<byte> body, long line, long column)
    {
        long start = 0;
        for (var l = 0L; l < line; l++)
        {
            var next = body[(int)start..].IndexOf((byte)'\n');
            if (next < 0) return -1;
            start += next + 1;
        }
        var offset = start + column;
        return offset < body.Length ? offset : -1;
    }

    private static bool StartsNonFinite(ReadOnlySpan<byte> rest)
    {
        if (rest.StartsWith("-"u8)) rest = rest[1..];
        return rest.StartsWith("NaN"u8) || rest.StartsWith("Infinity"u8);
    }
}
