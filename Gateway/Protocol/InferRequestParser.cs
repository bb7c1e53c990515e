using System.Text.Json;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Parses the body of POST /v2/models/{name}/infer (Open Inference Protocol, JSON) for a model whose
/// input is one grey image of side S: one forward pass of Utf8JsonReader, numbers written straight
/// into the batch's buffer (bytes for UINT8), no DOM. Never throws for bad input: every refusal is a ProtocolError.
/// </summary>
public static class InferRequestParser
{
    public const string InputName = "image";
    public const string Uint8 = "UINT8";
    public const string Fp32 = "FP32";

    public static ProtocolResult<InferRequest> Parse(ReadOnlySpan<byte> utf8Json, PipelineDefinition pipeline) =>
        Parse(utf8Json, pipeline.InputSide, pipeline.Name);

    /// <param name="utf8Json">The whole body.</param>
    /// <param name="inputSide">The model's image side S (28 or 56).</param>
    /// <param name="modelName">Named in error details.</param>
    public static ProtocolResult<InferRequest> Parse(ReadOnlySpan<byte> utf8Json, int inputSide, string modelName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSide, 1);
        if (utf8Json.Length > ProtocolLimits.MaxBodyBytes) return ProtocolErrors.BodyTooLarge(utf8Json.Length);
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
            return ProtocolErrors.MalformedJson("The body is empty; an infer request is a JSON object with 'inputs'.");

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = ProtocolLimits.MaxJsonDepth });
        var request = new RequestReader(inputSide, modelName);
        try
        {
            var error = request.ReadBody(ref reader);
            if (error is null) return BinaryTensors.WithBinaryOutputs(request.Build(), utf8Json);
            // Malformed JSON outranks what was found so far: read on so a broken body is reported as such.
            while (reader.Read()) { }
            return error;
        }
        catch (JsonException e)
        {
            return MalformedJsonError.From(e, utf8Json);
        }
    }

    /// <summary>The state of one parse; members of the body and of the input may come in any order.</summary>
    private sealed class RequestReader(int side, string model)
    {
        private const string InputPointer = "/inputs/0";
        private bool _sawId, _sawInputs, _sawParameters, _sawName, _sawDatatype, _sawShape;
        private string? _id, _name, _datatype;
        private double? _sloMs;
        private List<long>? _shape;
        private ImageDataReader? _data;

        public ProtocolError? ReadBody(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                return ProtocolErrors.InvalidRequest($"The body must be a JSON object with 'inputs', not {JsonKinds.Describe(reader.TokenType)}.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ProtocolError? error;
                if (reader.ValueTextEquals("id"u8)) error = Once(ref _sawId, "/id") ?? ReadId(ref reader);
                else if (reader.ValueTextEquals("inputs"u8)) error = Once(ref _sawInputs, "/inputs") ?? ReadInputs(ref reader);
                else if (reader.ValueTextEquals("parameters"u8)) error = Once(ref _sawParameters, "/parameters") ?? ReadParameters(ref reader);
                else error = SkipValue(ref reader); // "outputs" (requested outputs) and extensions: we always return both outputs.
                if (error is not null) return error;
            }
            // Trailing content after the object makes the reader throw (malformed JSON).
            while (reader.Read()) { }
            return null;
        }

        public ProtocolResult<InferRequest> Build()
        {
            if (!_sawInputs)
                return ProtocolErrors.InvalidRequest($"The request has no 'inputs'; send one input named '{InputName}'.");
            if (_name is null) return Missing("name");
            if (ImageTensor.CheckName(_name, model, InputPointer + "/name") is { } nameError) return nameError;
            if (_datatype is null) return Missing("datatype");
            if (ImageTensor.CheckDatatype(_datatype, model, InputPointer + "/datatype") is { } datatypeError) return datatypeError;
            if (_shape is null) return Missing("shape");
            var shapeError = ImageShape.Validate(_shape, side, model, InputPointer + "/shape", out var count);
            if (shapeError is not null) return shapeError;
            if (_data is null) return Missing("data");

            var itemSize = side * side;
            var needed = (long)count * itemSize;
            if (_data.Count != needed) return ImageTensor.CountMismatch(_shape, count, side, _data.Count, "'data'", InputPointer + "/data");
            if (_data.LeafDepth > 1)
            {
                var nested = _data.NestedLengths.AsSpan(1, _data.LeafDepth).ToArray().Select(n => (long)n).ToList();
                if (!nested.SequenceEqual(_shape))
                    return ProtocolErrors.ShapeDataMismatch(
                        $"'data' is nested as {ImageShape.Format(nested)}, which is not the shape {ImageShape.Format(_shape)}; nest it as the shape or send it flat.",
                        InputPointer + "/data");
            }

            if (_datatype == Uint8)
            {
                var fault = _data.FirstNonInteger ?? _data.FirstOutsideByteRange;
                if (fault is not null) return ImageTensor.Uint8OutOfRange(fault.Index, fault.ValueText, fault.Pointer);
            }
            else if (_data.FirstOutsideUnitRange is { } fault)
            {
                return ImageTensor.Fp32OutOfRange(fault.Index, fault.ValueText, fault.Pointer);
            }
            // UINT8 stays bytes: the engine divides by 255 (as the dataset loader does, bit for bit).
            return new InferRequest(_id, _data.ToBatch(ImageTensor.ElementOf(_datatype)), _sloMs, _datatype);
        }

        private static ProtocolError Missing(string member) =>
            ProtocolErrors.InvalidRequest($"The input has no '{member}'; it needs name, datatype, shape and data.", InputPointer);

        private static ProtocolError? Once(ref bool seen, string pointer)
        {
            if (!seen) { seen = true; return null; }
            return ProtocolErrors.InvalidRequest($"Member '{pointer.TrimStart('/').Split('/')[^1]}' appears twice.", pointer);
        }

        private ProtocolError? ReadId(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType != JsonTokenType.String)
                return ProtocolErrors.InvalidRequest($"'id' must be a string, not {JsonKinds.Describe(reader.TokenType)}.", "/id");
            _id = reader.GetString();
            return null;
        }

        private ProtocolError? ReadInputs(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
                return ProtocolErrors.InvalidRequest($"'inputs' must be an array holding one input, not {JsonKinds.Describe(reader.TokenType)}.", "/inputs");
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (index > 0)
                    return ProtocolErrors.InvalidRequest(
                        $"'inputs' holds more than one input; model '{model}' takes exactly one, named '{InputName}'.", $"/inputs/{index}");
                var error = ReadInput(ref reader);
                if (error is not null) return error;
                index++;
            }
            return index == 0
                ? ProtocolErrors.InvalidRequest($"'inputs' is empty; send one input named '{InputName}'.", "/inputs")
                : null;
        }

        private ProtocolError? ReadInput(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                return ProtocolErrors.InvalidRequest($"An input must be an object with name, datatype, shape and data, not {JsonKinds.Describe(reader.TokenType)}.", InputPointer);
            var sawData = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ProtocolError? error;
                if (reader.ValueTextEquals("name"u8)) error = Once(ref _sawName, InputPointer + "/name") ?? ReadString(ref reader, "name", out _name);
                else if (reader.ValueTextEquals("datatype"u8)) error = Once(ref _sawDatatype, InputPointer + "/datatype") ?? ReadString(ref reader, "datatype", out _datatype);
                else if (reader.ValueTextEquals("shape"u8)) error = Once(ref _sawShape, InputPointer + "/shape") ?? ReadShape(ref reader);
                else if (reader.ValueTextEquals("data"u8)) error = Once(ref sawData, InputPointer + "/data") ?? ReadData(ref reader);
                else error = SkipValue(ref reader); // input "parameters" and extensions
                if (error is not null) return error;
            }
            return null;
        }

        private static ProtocolError? ReadString(ref Utf8JsonReader reader, string member, out string? value)
        {
            reader.Read();
            value = null;
            if (reader.TokenType != JsonTokenType.String)
                return ProtocolErrors.InvalidRequest($"'{member}' must be a string, not {JsonKinds.Describe(reader.TokenType)}.", $"{InputPointer}/{member}");
            value = reader.GetString();
            return null;
        }

        private ProtocolError? ReadShape(ref Utf8JsonReader reader)
        {
            const string pointer = InputPointer + "/shape";
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
                return ProtocolErrors.InvalidShape($"'shape' must be an array of non-negative integers, not {JsonKinds.Describe(reader.TokenType)}.", pointer);
            var shape = new List<long>(4);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0)
                    return ProtocolErrors.InvalidShape(
                        $"'shape' must be an array of non-negative integers; element {shape.Count} is not.", $"{pointer}/{shape.Count}");
                if (shape.Count == ImageDataReader.MaxNesting)
                    return ProtocolErrors.InvalidShape($"'shape' has more than {ImageDataReader.MaxNesting} dimensions; model '{model}' takes [N,{side},{side}], [N,1,{side},{side}] or [N,{side * side}].", pointer);
                shape.Add(dim);
            }
            _shape = shape;
            return null;
        }

        private ProtocolError? ReadData(ref Utf8JsonReader reader)
        {
            reader.Read();
            _data = new ImageDataReader(side * side, InputPointer + "/data", ExpectedValues());
            return _data.Read(ref reader);
        }

        /// <summary>The values the shape read so far announces (0 when there is none yet, or it is not acceptable): sizes the data buffer.</summary>
        private long ExpectedValues() =>
            _shape is not null && ImageShape.Validate(_shape, side, model, InputPointer + "/shape", out var count) is null ? (long)count * side * side : 0;

        private ProtocolError? ReadParameters(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                return ProtocolErrors.InvalidRequest($"'parameters' must be an object, not {JsonKinds.Describe(reader.TokenType)}.", "/parameters");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var error = reader.ValueTextEquals("slo_ms"u8) ? ReadSlo(ref reader) : SkipValue(ref reader);
                if (error is not null) return error;
            }
            return null;
        }

        private ProtocolError? ReadSlo(ref Utf8JsonReader reader)
        {
            const string pointer = "/parameters/slo_ms";
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number)
                return ProtocolErrors.InvalidSlo($"'slo_ms' must be a number of milliseconds, not {JsonKinds.Describe(reader.TokenType)}.", pointer);
            if (!reader.TryGetDouble(out var slo)) slo = double.NaN;
            if (ImageTensor.CheckSlo(slo, System.Text.Encoding.UTF8.GetString(reader.ValueSpan), pointer) is { } error) return error;
            _sloMs = slo;
            return null;
        }

        private static ProtocolError? SkipValue(ref Utf8JsonReader reader)
        {
            reader.Read();
            reader.Skip();
            return null;
        }
    }
}
