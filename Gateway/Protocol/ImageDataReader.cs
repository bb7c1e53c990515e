using System.Globalization;
using System.Text.Json;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Reads one input's "data" in a single pass: numbers, flat or in nested arrays, go row-major straight
/// into per-item float arrays of side*side. Members of an input may come in any order, so the datatype
/// is not known yet: the reader notes the first value that breaks each datatype's rule and the caller
/// checks them once the datatype is known. It stops at MaxItems images' worth of values (413), so a
/// huge body never becomes a huge allocation.
/// </summary>
internal sealed class ImageDataReader
{
    /// <summary>Deepest nesting of "data" arrays: rank 4 ([N,1,S,S]) is the deepest shape we accept.</summary>
    public const int MaxNesting = 4;

    private readonly int _itemSize;
    private readonly long _maxValues;
    private readonly string _pointer;
    private readonly List<float[]> _items = [];
    private float[] _current = [];
    private int _pixel;

    public ImageDataReader(int itemSize, string pointer)
    {
        _itemSize = itemSize;
        _maxValues = (long)itemSize * ProtocolLimits.MaxItems;
        _pointer = pointer;
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

    /// <summary>The complete items read so far (a partial last item only when the count is not a multiple of side*side).</summary>
    public float[][] Items => [.. _items];

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

        if (_pixel == 0)
        {
            _current = new float[_itemSize];
            _items.Add(_current);
        }
        _current[_pixel] = (float)value;
        if (++_pixel == _itemSize) _pixel = 0;

        if (!integral) FirstNonInteger ??= Fault(value, counts, depth);
        if (value < 0 || value > 255) FirstOutsideByteRange ??= Fault(value, counts, depth);
        if (value < 0 || value > 1) FirstOutsideUnitRange ??= Fault(value, counts, depth);
        Count++;
        return null;
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
