using System.Buffers;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Reads an infer request body from a stream with the byte limit enforced while reading (413 as soon
/// as the declared length or the bytes read pass it), into a pooled buffer, then parses it.
/// </summary>
public static class InferRequestReader
{
    private const int FirstBufferBytes = 64 * 1024;

    public static Task<ProtocolResult<InferRequest>> ReadAsync(Stream body, long? contentLength, PipelineDefinition pipeline, CancellationToken cancellationToken = default) =>
        ReadAsync(body, contentLength, pipeline.InputSide, pipeline.Name, cancellationToken);

    /// <param name="contentLength">The Content-Length header if sent: a larger one is refused before reading.</param>
    public static Task<ProtocolResult<InferRequest>> ReadAsync(
        Stream body, long? contentLength, int inputSide, string modelName, CancellationToken cancellationToken = default) =>
        ReadBoundedAsync(body, contentLength, bytes => InferRequestParser.Parse(bytes, inputSide, modelName), cancellationToken);

    /// <summary>Parses the body's bytes; called once, with all of them.</summary>
    public delegate ProtocolResult<T> BodyParser<T>(ReadOnlySpan<byte> body) where T : class;

    /// <summary>Reads the whole body into a pooled buffer within <see cref="ProtocolLimits.MaxBodyBytes"/>, then parses it (JSON and binary bodies alike).</summary>
    public static async Task<ProtocolResult<T>> ReadBoundedAsync<T>(Stream body, long? contentLength, BodyParser<T> parse, CancellationToken cancellationToken = default) where T : class
    {
        if (contentLength > ProtocolLimits.MaxBodyBytes) return ProtocolErrors.BodyTooLarge(contentLength.Value);

        var size = (int)Math.Clamp(contentLength ?? FirstBufferBytes, 1, ProtocolLimits.MaxBodyBytes) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > ProtocolLimits.MaxBodyBytes) return ProtocolErrors.BodyTooLarge(length);
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, ProtocolLimits.MaxBodyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > ProtocolLimits.MaxBodyBytes) return ProtocolErrors.BodyTooLarge(length);
            }
            return parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
