using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Grpc;
using Gearbox.Gateway.Grpc.Inference;
using Gearbox.Gateway.Protocol;
using Gearbox.Tests.Grpc;
using Google.Protobuf;
using static Gearbox.Tests.Protocol.InferBodies;

namespace Gearbox.Tests.Protocol;

/// <summary>Every protocol decodes into one batch in the datatype sent: UINT8 stays bytes, FP32 stays the exact floats.</summary>
public class ImageBatchDecodingTests
{
    private static readonly PipelineDefinition Fashion = new("fashion", 28, 100, [new StageDefinition("classify", StageKind.Cascade, ["mlp"])]);

    private static byte[] Pixels(int items) => Enumerable.Range(0, items * 784).Select(k => Pixel(k / 784, k % 784)).ToArray();

    private static bool SameMemory(ReadOnlySpan<byte> a, byte[] b) => Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref b[0]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Json_uint8_is_written_straight_into_bytes_whether_the_shape_comes_first_or_last(bool shapeLast)
    {
        var input = shapeLast
            ? $$"""{"name":"image","datatype":"UINT8","data":[{{Uint8Data(3, 28)}}],"shape":[3,28,28]}"""
            : Input("UINT8", "[3,28,28]", Uint8Data(3, 28));

        var batch = Parse(Body(input)).Value!.Images;

        Assert.Equal((ImageElement.Uint8, 3, 784, false), (batch.Element, batch.Count, batch.ItemSize, batch.IsView));
        Assert.Equal(Pixels(3), batch.ContiguousBytes());
    }

    [Fact]
    public void Json_fp32_keeps_the_values_as_sent_even_when_they_are_whole()
    {
        var values = Enumerable.Range(0, 784).Select(p => p % 3 == 0 ? "0.1" : p % 3 == 1 ? "1" : "0").ToArray();
        var batch = Parse(Body(Input("FP32", "[1,784]", string.Join(",", values)))).Value!.Images;

        Assert.Equal(ImageElement.Fp32, batch.Element);
        Assert.Equal(values.Select(v => (float)double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), batch.ItemAsFloats(0));

        var whole = Parse(Body(Input("FP32", "[1,784]", string.Join(",", Enumerable.Range(0, 784).Select(p => p % 2))))).Value!.Images;
        Assert.Equal(ImageElement.Fp32, whole.Element);
        Assert.Equal(Enumerable.Range(0, 784).Select(p => (float)(p % 2)), whole.ItemAsFloats(0));
    }

    [Fact]
    public void Binary_uint8_bytes_become_the_batch_with_one_copy_out_of_the_pooled_body()
    {
        var pixels = Pixels(2);
        var header = Encoding.UTF8.GetBytes($$$"""{"inputs":[{"name":"image","datatype":"UINT8","shape":[2,28,28],"parameters":{"binary_data_size":{{{pixels.Length}}}}}]}""");
        var body = header.Concat(pixels).ToArray();

        var batch = BinaryTensors.Parse(body, header.Length.ToString(), Fashion).Value!.Images;

        Assert.Equal((ImageElement.Uint8, 2), (batch.Element, batch.Count));
        Assert.Equal(pixels, batch.ContiguousBytes());
        Assert.False(SameMemory(batch.Item(0), body.AsSpan(header.Length).ToArray()));
    }

    [Fact]
    public void Raw_bytes_are_taken_over_without_a_copy_only_when_the_array_is_exactly_theirs()
    {
        var pixels = Pixels(2);
        var owned = ImageTensor.FromRaw(pixels, "UINT8", [2, 28, 28], 2, 28, "/raw", owned: pixels).Value!;
        var copied = ImageTensor.FromRaw(pixels, "UINT8", [2, 28, 28], 2, 28, "/raw").Value!;
        var larger = new byte[pixels.Length + 1];
        var sliced = ImageTensor.FromRaw(larger.AsSpan(1), "UINT8", [2, 28, 28], 2, 28, "/raw", owned: larger).Value!;

        Assert.True(SameMemory(owned.Item(0), pixels));
        Assert.False(SameMemory(copied.Item(0), pixels));
        Assert.Equal(pixels, copied.ContiguousBytes());
        Assert.False(SameMemory(sliced.Item(0), larger));
    }

    [Fact]
    public void Grpc_raw_uint8_parsed_off_the_wire_is_used_in_place()
    {
        var wire = GrpcInfer.Request("fashion", [Pixels(1), Pixels(2)[784..]], 28).ToByteArray();
        var message = ModelInferRequest.Parser.ParseFrom(wire); // as the server reads it

        var batch = GrpcInferRequest.Read(message, Fashion).Value!.Request.Images;

        Assert.Equal((ImageElement.Uint8, 2), (batch.Element, batch.Count));
        Assert.Equal(Pixels(2), batch.ContiguousBytes());
        Assert.True(MemoryMarshal.TryGetArray(message.RawInputContents[0].Memory, out var segment));
        Assert.True(SameMemory(batch.Item(0), segment.Array!), "the ByteString's bytes were copied");
    }

    [Fact]
    public void Grpc_fp32_raw_and_typed_contents_keep_the_exact_floats()
    {
        var images = new[] { Pixels(1) };
        var expected = images[0].Select(b => b / 255f).ToArray();
        foreach (var raw in new[] { true, false })
        {
            var batch = GrpcInferRequest.Read(GrpcInfer.Request("fashion", images, 28, raw, "FP32"), Fashion).Value!.Request.Images;
            Assert.Equal(ImageElement.Fp32, batch.Element);
            Assert.Equal(expected, batch.ItemAsFloats(0));
        }
        var typed = GrpcInferRequest.Read(GrpcInfer.Request("fashion", images, 28, raw: false), Fashion).Value!.Request.Images;
        Assert.Equal(ImageElement.Uint8, typed.Element);
        Assert.Equal(images[0], typed.ContiguousBytes());
    }

    [Fact]
    public void Fp32_raw_bytes_are_kept_bit_for_bit()
    {
        var bytes = new byte[784 * 4];
        for (var p = 0; p < 784; p++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(p * 4), MathF.BitIncrement(p / 1000f));
        var batch = ImageTensor.FromRaw(bytes, "FP32", [1, 784], 1, 28, "/raw").Value!;
        Assert.Equal(bytes, batch.ContiguousBytes());
    }
}
