using System.Buffers.Binary;
using System.Globalization;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// The rules for the one input tensor every Gearbox model takes ("image", UINT8 0..255 or FP32 0..1,
/// shapes as <see cref="ImageShape"/>), shared by the JSON parser, the HTTP binary tensor extension
/// and gRPC, so each protocol refuses the same inputs with the same problem details. Decoding turns
/// the elements into per-item float arrays in [0, 1] (UINT8 divided by 255, as the dataset loader does).
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

    /// <summary>
    /// Decodes raw tensor bytes (flattened, row-major, little-endian, no padding) of an accepted header.
    /// The length must be exactly items * side * side elements.
    /// </summary>
    public static ProtocolResult<float[][]> FromRaw(ReadOnlySpan<byte> raw, string datatype, IReadOnlyList<long> shape, int items, int side, string pointer)
    {
        var itemSize = side * side;
        var elementSize = ElementSize(datatype);
        var needed = (long)items * itemSize * elementSize;
        if (raw.Length != needed)
            return ProtocolErrors.ShapeDataMismatch(
                $"Shape {ImageShape.Format(shape)} of {datatype} needs {needed} bytes ({items} x {side}x{side} x {elementSize}); the raw contents hold {raw.Length}.", pointer);

        var result = new float[items][];
        if (datatype == Uint8)
        {
            for (var i = 0; i < items; i++)
            {
                var item = result[i] = new float[itemSize];
                var pixels = raw.Slice(i * itemSize, itemSize);
                for (var p = 0; p < itemSize; p++) item[p] = pixels[p] / 255f;
            }
            return result;
        }
        for (var i = 0; i < items; i++)
        {
            var item = result[i] = new float[itemSize];
            var bytes = raw.Slice(i * itemSize * sizeof(float), itemSize * sizeof(float));
            for (var p = 0; p < itemSize; p++)
            {
                var value = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(p * sizeof(float), sizeof(float)));
                if (!(value >= 0f && value <= 1f)) return Fp32OutOfRange((long)i * itemSize + p, Text(value), pointer);
                item[p] = value;
            }
        }
        return result;
    }

    /// <summary>Decodes typed UINT8 elements (protobuf uint_contents: 32-bit, so each must be checked to fit).</summary>
    public static ProtocolResult<float[][]> FromUints(IReadOnlyList<uint> values, IReadOnlyList<long> shape, int items, int side, string pointer)
    {
        var itemSize = side * side;
        if (values.Count != (long)items * itemSize) return CountMismatch(shape, items, side, values.Count, "uint_contents", pointer);
        var result = new float[items][];
        for (var i = 0; i < items; i++)
        {
            var item = result[i] = new float[itemSize];
            for (var p = 0; p < itemSize; p++)
            {
                var value = values[i * itemSize + p];
                if (value > 255) return Uint8OutOfRange((long)i * itemSize + p, value.ToString(CultureInfo.InvariantCulture), pointer);
                item[p] = value / 255f;
            }
        }
        return result;
    }

    /// <summary>Decodes typed FP32 elements, each a finite intensity in [0, 1].</summary>
    public static ProtocolResult<float[][]> FromFloats(IReadOnlyList<float> values, IReadOnlyList<long> shape, int items, int side, string pointer)
    {
        var itemSize = side * side;
        if (values.Count != (long)items * itemSize) return CountMismatch(shape, items, side, values.Count, "fp32_contents", pointer);
        var result = new float[items][];
        for (var i = 0; i < items; i++)
        {
            var item = result[i] = new float[itemSize];
            for (var p = 0; p < itemSize; p++)
            {
                var value = values[i * itemSize + p];
                if (!(value >= 0f && value <= 1f)) return Fp32OutOfRange((long)i * itemSize + p, Text(value), pointer);
                item[p] = value;
            }
        }
        return result;
    }

    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
