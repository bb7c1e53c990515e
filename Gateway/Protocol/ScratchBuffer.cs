using System.Buffers;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// A per-thread buffer for writing a response before copying it out once. Utf8JsonWriter asks its output
/// for at least 4 KB whenever it grows, so a fresh ArrayBufferWriter per response allocated 4 KB or more
/// for a 400-byte answer (the largest allocation per request, measured with an allocation trace). Only for
/// code that writes and copies out without awaiting in between; a buffer grown past
/// <see cref="KeptCapacity"/> by a large answer is not kept.
/// </summary>
public static class ScratchBuffer
{
    public const int KeptCapacity = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>An empty buffer for this thread; give it back with <see cref="Return"/> once its bytes are copied out.</summary>
    public static ArrayBufferWriter<byte> Rent()
    {
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(8 * 1024);
        _buffer = null; // a nested Rent on this thread gets its own
        buffer.ResetWrittenCount();
        return buffer;
    }

    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= KeptCapacity) _buffer = buffer;
    }
}
