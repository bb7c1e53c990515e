using System.Text;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

public class InferRequestReaderTests
{
    [Fact]
    public async Task Reads_a_stream_without_content_length_then_parses_it()
    {
        var body = Encoding.UTF8.GetBytes(InferBodies.Uint8(40)); // larger than the first buffer
        using var stream = new MemoryStream(body);

        var result = await InferRequestReader.ReadAsync(stream, contentLength: null, 28, "fashion");

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(InferBodies.Parse(InferBodies.Uint8(40)).Value!.Images.Floats(), result.Value.Images.Floats());
    }

    [Fact]
    public async Task Declared_length_over_the_limit_is_413_before_reading()
    {
        using var stream = new ThrowingStream();

        var result = await InferRequestReader.ReadAsync(stream, ProtocolLimits.MaxBodyBytes + 1L, 28, "fashion");

        Assert.Equal(413, result.Error!.Status);
        Assert.Equal("body-too-large", result.Error.Code);
    }

    [Fact]
    public async Task Stream_longer_than_the_limit_is_413_even_when_it_understates_its_length()
    {
        using var stream = new MemoryStream(new byte[ProtocolLimits.MaxBodyBytes + 10]);

        var result = await InferRequestReader.ReadAsync(stream, contentLength: 100, 28, "fashion");

        Assert.Equal("body-too-large", result.Error!.Code);
    }

    [Fact]
    public async Task Body_errors_come_back_as_errors()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("{\"inputs\":"));

        var result = await InferRequestReader.ReadAsync(stream, null, 28, "fashion");

        Assert.Equal("malformed-json", result.Error!.Code);
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The body must not be read.");
    }
}
