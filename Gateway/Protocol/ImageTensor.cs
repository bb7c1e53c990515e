using System.Buffers.Binary;
using System.Globalization;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// The rules for the one input tensor every Gearbox model takes ("image", UINT8 0..255 or FP32 0..1,
/// shapes as <see cref="ImageShape"/>), shared by the JSON parser, the HTTP binary tensor extension
/// and gRPC, so each protocol refuses the same inputs with the same problem details. Decoding puts the
/// elements into one <see cref="ImageBatch"/> as they were sent: UINT8 bytes stay bytes, FP32 stays FP32.
/// </summary>
public static class ImageTensor
{
    public const string InputName = InferRequestParser.InputName;
    public const string Uint8 = InferRequestParser.Uint8;
    public const string Fp32 = InferRequestParser.Fp32;

    /// <summary>Bytes per element of an accepted datatype.</summary>
    public static int ElementSize(string datatype) => datatype == Fp32 ? sizeof(float) : sizeof(byte);

    public static ProtocolError? CheckName(string? name, string model, string pointer) =>
        name == InputName ? null
            : ProtocolErrors.InvalidRequest($"Input '{name}' is unknown; model '{model}' takes one input named '{InputName}'.", pointer);

    public static ProtocolError? CheckDatatype(string? datatype, string model, string pointer) =>
        datatype is Uint8 or Fp32 ? null
            : ProtocolErrors.UnsupportedDatatype(
                $"Datatype '{datatype}' is not supported; model '{model}' takes {Uint8} (0..255) or {Fp32} (0..1).", pointer);

    /// <summary>
    /// Name, datatype and shape of the input (members at <paramref name="inputPointer"/>/name, /datatype,
    /// /shape); null when accepted, with <paramref name="items"/> = N.
    /// </summary>
    public static ProtocolError? CheckHeader(string? name, string? datatype, IReadOnlyList<long> shape, int side, string model, string inputPointer, out int items)
    {
        items = 0;
        return CheckName(name, model, inputPointer + "/name")
            ?? CheckDatatype(datatype, model, inputPointer + "/datatype")
            ?? ImageShape.Validate(shape, side, model, inputPointer + "/shape", out items);
    }

    /// <summary>The SLO rule of parameters.slo_ms: above 0 and at most <see cref="ProtocolLimits.MaxSloMs"/>.</summary>
    public static ProtocolError? CheckSlo(double slo, string asSent, string pointer) =>
        double.IsFinite(slo) && slo > 0 && slo <= ProtocolLimits.MaxSloMs ? null
            : ProtocolErrors.InvalidSlo($"'slo_ms' must be above 0 and at most {ProtocolLimits.MaxSloMs} ms; it is {asSent}.", pointer);

    public static ProtocolError Uint8OutOfRange(long index, string value, string pointer) =>
        ProtocolErrors.ValueOutOfRange($"UINT8 values must be integers 0..255; value {index} is {value}.", pointer);

    public static ProtocolError Fp32OutOfRange(long index, string value, string pointer) =>
        ProtocolErrors.ValueOutOfRange($"FP32 values must be pixel intensities in [0, 1]; value {index} is {value}.", pointer);

    public static ProtocolError CountMismatch(IReadOnlyList<long> shape, int items, int side, long have, string what, string pointer) =>
        ProtocolErrors.ShapeDataMismatch(
            $"Shape {ImageShape.Format(shape)} needs {(long)items * side * side} values ({items} x {side}x{side}); {what} holds {have}.", pointer);

    /// <summary>The batch element type of an accepted datatype.</summary>
    public static ImageElement ElementOf(string datatype) => datatype == Fp32 ? ImageElement.Fp32 : ImageElement.Uint8;

    /// <summary>
    /// Takes raw tensor bytes (flattened, row-major, little-endian, no padding) of an accepted header as the
    /// request's batch. The length must be exactly items * side * side elements; FP32 values must be in [0, 1].
    /// The bytes are copied once into the batch's buffer, or not at all when <paramref name="owned"/> is the
    /// exact array behind <paramref name="raw"/> and nobody writes it afterwards (a protobuf ByteString's).
    /// </summary>
    public static ProtocolResult<ImageBatch> FromRaw(ReadOnlySpan<byte> raw, string datatype, IReadOnlyList<long> shape, int items, int side, string pointer, byte[]? owned = null)
    {
        var itemSize = side * side;
        var elementSize = ElementSize(datatype);
        var needed = (long)items * itemSize * elementSize;
        if (raw.Length != needed)
            return ProtocolErrors.ShapeDataMismatch(
                $"Shape {ImageShape.Format(shape)} of {datatype} needs {needed} bytes ({items} x {side}x{side} x {elementSize}); the raw contents hold {raw.Length}.", pointer);

        if (datatype == Fp32)
        {
            for (var i = 0; i < raw.Length / sizeof(float); i++)
            {
                var value = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float), sizeof(float)));
                if (!(value >= 0f && value <= 1f)) return Fp32OutOfRange(i, Text(value), pointer);
            }
        }
        var buffer = IsSameMemory(raw, owned) ? owned! : raw.ToArray();
        return new ImageBatch(ElementOf(datatype), itemSize, buffer);
    }

    /// <summary>Takes typed UINT8 elements (protobuf uint_contents: 32-bit, so each must be checked to fit) straight into the batch's bytes.</summary>
    public static ProtocolResult<ImageBatch> FromUints(IReadOnlyList<uint> values, IReadOnlyList<long> shape, int items, int side, string pointer)
    {
        var itemSize = side * side;
        if (values.Count != (long)items * itemSize) return CountMismatch(shape, items, side, values.Count, "uint_contents", pointer);
        var pixels = new byte[values.Count];
        for (var i = 0; i < pixels.Length; i++)
        {
            var value = values[i];
            if (value > 255) return Uint8OutOfRange(i, value.ToString(CultureInfo.InvariantCulture), pointer);
            pixels[i] = (byte)value;
        }
        return ImageBatch.Uint8(pixels, itemSize);
    }

    /// <summary>Takes typed FP32 elements, each a finite intensity in [0, 1], into the batch's bytes.</summary>
    public static ProtocolResult<ImageBatch> FromFloats(IReadOnlyList<float> values, IReadOnlyList<long> shape, int items, int side, string pointer)
    {
        var itemSize = side * side;
        if (values.Count != (long)items * itemSize) return CountMismatch(shape, items, side, values.Count, "fp32_contents", pointer);
        var bytes = new byte[values.Count * sizeof(float)];
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!(value >= 0f && value <= 1f)) return Fp32OutOfRange(i, Text(value), pointer);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value);
        }
        return new ImageBatch(ImageElement.Fp32, itemSize, bytes);
    }

    private static bool IsSameMemory(ReadOnlySpan<byte> raw, byte[]? array) =>
        array is { Length: > 0 } && array.Length == raw.Length
        && System.Runtime.CompilerServices.Unsafe.AreSame(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(raw), ref array[0]);

    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
