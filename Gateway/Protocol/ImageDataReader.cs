using System.Globalization;
using System.Text.Json;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Reads one input's "data" in a single pass: numbers, flat or in nested arrays, go row-major straight
/// into one buffer for the whole batch: bytes while every value is a whole number 0..255 (UINT8 pixels,
/// the common case), floats from the first value that is not. Members of an input may come in any order,
/// so the datatype is not known yet: the reader notes the first value that breaks each datatype's rule
/// and the caller checks them once the datatype is known (<see cref="ToBatch"/>). It stops at MaxItems
/// images' worth of values (413), so a huge body never becomes a huge allocation.
/// </summary>
internal sealed class ImageDataReader
{
    /// <summary>Deepest nesting of "data" arrays: rank 4 ([N,1,S,S]) is the deepest shape we accept.</summary>
    public const int MaxNesting = 4;

    private readonly int _itemSize;
    private readonly long _maxValues;
    private readonly string _pointer;
    private byte[] _bytes;     // the values while all are whole numbers 0..255
    private float[]? _floats;  // the values once one is not (then _bytes is no longer used)

    /// <param name="expectedValues">The value count the shape (if already read) announces: the buffer's first size, so a well-formed body fills it exactly; 0 when unknown.</param>
    public ImageDataReader(int itemSize, string pointer, long expectedValues = 0)
    {
        _itemSize = itemSize;
        _maxValues = (long)itemSize * ProtocolLimits.MaxItems;
        _pointer = pointer;
        _bytes = new byte[expectedValues > 0 ? Math.Min(expectedValues, _maxValues) : itemSize];
        Array.Fill(NestedLengths, -1);
    }

    public long Count { get; private set; }

    /// <summary>Array depth at which the numbers sit: 1 for flat data, 0 before the first number.</summary>
    public int LeafDepth { get; private set; }

    /// <summary>Length of the arrays at each depth (index 1 = the outer array); -1 where none closed.</summary>
    public int[] NestedLengths { get; } = new int[MaxNesting + 1];

    public ValueFault? FirstNonInteger { get; private set; }
    public ValueFault? FirstOutsideByteRange { get; private set; }
    public ValueFault? FirstOutsideUnitRange { get; private set; }

    /// <summary>
    /// The values read as a batch of <paramref name="element"/> items; call once <see cref="Count"/> is known to
    /// be whole items and the values are known to obey the datatype's rule (UINT8: whole numbers 0..255).
    /// UINT8 values read as bytes become the batch's buffer as they are (trimmed only when the shape was not known first).
    /// </summary>
    public ImageBatch ToBatch(ImageElement element)
    {
        var count = (int)Count;
        if (element == ImageElement.Uint8)
        {
            if (_floats is not null) throw new InvalidOperationException("UINT8 data holds a value that is not a whole number 0..255; check FirstNonInteger and FirstOutsideByteRange first.");
            return ImageBatch.Uint8(_bytes.Length == count ? _bytes : _bytes[..count], _itemSize);
        }
        var bytes = new byte[count * sizeof(float)];
        for (var i = 0; i < count; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), _floats is null ? _bytes[i] : _floats[i]);
        return new ImageBatch(ImageElement.Fp32, _itemSize, bytes);
    }

    /// <summary>Reads the value the reader is positioned on (the "data" member's value) to its end.</summary>
    public ProtocolError? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            return ProtocolErrors.InvalidRequest($"'data' must be an array of numbers, not {JsonKinds.Describe(reader.TokenType)}.", _pointer);

        Span<int> counts = stackalloc int[MaxNesting + 1];
        var depth = 1;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (LeafDepth == 0) LeafDepth = depth;
                    else if (depth != LeafDepth) return Ragged(counts, depth);
                    var error = Add(ref reader, counts, depth);
                    if (error is not null) return error;
                    counts[depth]++;
                    break;
                case JsonTokenType.StartArray:
                    if (LeafDepth != 0 && depth >= LeafDepth) return Ragged(counts, depth);
                    if (depth == MaxNesting)
                        return ProtocolErrors.ShapeDataMismatch(
                            $"'data' nests arrays deeper than {MaxNesting} levels; no accepted shape has a rank above {MaxNesting}.", ElementPointer(counts, depth));
                    counts[depth]++;
                    counts[++depth] = 0;
                    break;
                case JsonTokenType.EndArray:
                    if (NestedLengths[depth] < 0) NestedLengths[depth] = counts[depth];
                    else if (NestedLengths[depth] != counts[depth]) return Ragged(counts, depth);
                    if (depth == 1) return null;
                    depth--;
                    break;
                default:
                    return ProtocolErrors.InvalidRequest(
                        $"'data' holds {JsonKinds.Describe(reader.TokenType)}; every element must be a number.", ElementPointer(counts, depth));
            }
        }
        return ProtocolErrors.MalformedJson("'data' is not closed.", _pointer);
    }

    private ProtocolError? Add(ref Utf8JsonReader reader, scoped Span<int> counts, int depth)
    {
        if (Count == _maxValues)
            return ProtocolErrors.TooManyItems(
                $"'data' holds more than {ProtocolLimits.MaxItems} images of {_itemSize} values; the limit is {ProtocolLimits.MaxItems} items per request.", _pointer);

        double value;
        bool integral;
        if (TryReadSmallWhole(reader.ValueSpan, out var small))
        {
            // The common case (UINT8 pixels): skip the general number parser.
            value = small;
            integral = true;
        }
        else if (reader.TryGetInt32(out var whole))
        {
            value = whole;
            integral = true;
        }
        else if (reader.TryGetDouble(out value) && double.IsFinite(value))
        {
            integral = Math.Floor(value) == value;
        }
        else
        {
            return ProtocolErrors.ValueOutOfRange("'data' holds a number too large to represent; pixel values are 0..255 (UINT8) or 0..1 (FP32).", ElementPointer(counts, depth));
        }

        Store(value, integral);

        if (!integral) FirstNonInteger ??= Fault(value, counts, depth);
        if (value < 0 || value > 255) FirstOutsideByteRange ??= Fault(value, counts, depth);
        if (value < 0 || value > 1) FirstOutsideUnitRange ??= Fault(value, counts, depth);
        Count++;
        return null;
    }

    /// <summary>Writes value number <see cref="Count"/>: as a byte while all are bytes, else as a float (as today's FP32 path reads it).</summary>
    private void Store(double value, bool integral)
    {
        var index = (int)Count;
        if (_floats is null && integral && value is >= 0 and <= 255)
        {
            if (index == _bytes.Length) Array.Resize(ref _bytes, (int)Math.Min(_bytes.Length * 2L, _maxValues));
            _bytes[index] = (byte)value;
            return;
        }
        if (_floats is null)
        {
            // The first value that is not a byte: from here on, floats (the bytes so far converted once).
            _floats = new float[Math.Max(_bytes.Length, index + 1)];
            for (var i = 0; i < index; i++) _floats[i] = _bytes[i];
        }
        if (index == _floats.Length) Array.Resize(ref _floats, (int)Math.Min(_floats.Length * 2L, _maxValues));
        _floats[index] = (float)value;
    }

    /// <summary>Parses 1 to 3 plain digits (0..999); anything else goes to the general parser.</summary>
    private static bool TryReadSmallWhole(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3) return false;
        foreach (var c in text)
        {
            var digit = c - '0';
            if ((uint)digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }

    private ValueFault Fault(double value, Span<int> counts, int depth) => new(Count, value, ElementPointer(counts, depth));

    private ProtocolError Ragged(Span<int> counts, int depth) =>
        ProtocolErrors.ShapeDataMismatch(
            "'data' is ragged: nested arrays must all have the same length at each level, with numbers only at the innermost level.",
            ElementPointer(counts, depth));

    /// <summary>JSON pointer of the element being read at <paramref name="depth"/>; built only for errors.</summary>
    private string ElementPointer(Span<int> counts, int depth)
    {
        var pointer = new System.Text.StringBuilder(_pointer);
        for (var d = 1; d < depth; d++) pointer.Append('/').Append(counts[d] - 1);
        return pointer.Append('/').Append(counts[depth]).ToString();
    }
}

/// <summary>A value that breaks a datatype's rule: its flat index, the value and where it is.</summary>
internal sealed record ValueFault(long Index, double Value, string Pointer)
{
    public string ValueText => Value.ToString("R", CultureInfo.InvariantCulture);
}
