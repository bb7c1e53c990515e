using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// The KServe/Triton binary tensor extension of POST /v2/models/{name}/infer. A request with the
/// <c>Inference-Header-Content-Length: n</c> header has an n-byte JSON header followed by the raw bytes
/// of each input whose <c>parameters.binary_data_size</c> is set (flattened, row-major, little-endian).
/// An answer is binary when the request asks (<c>parameters.binary_data_output: true</c>, or an entry of
/// <c>outputs</c> with <c>parameters.binary_data: true</c>; a plain JSON request may ask too): its JSON
/// header, whose length is in the same response header, lists the binary outputs with their
/// <c>binary_data_size</c> instead of <c>data</c>, and their bytes follow in output order. Limits, checks
/// and errors are the JSON path's (<see cref="ImageTensor"/>, <see cref="ProtocolLimits"/>).
/// </summary>
public static class BinaryTensors
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";
    public const string ContentType = "application/octet-stream";
    public const string BinaryDataSize = "binary_data_size";
    public const string BinaryData = "binary_data";
    public const string BinaryDataOutput = "binary_data_output";
    public const string LabelOutput = "label";
    public const string ConfidenceOutput = "confidence";

    private const string InputPointer = "/inputs/0";
    private static readonly JsonDocumentOptions HeaderOptions = new() { MaxDepth = ProtocolLimits.MaxJsonDepth };

    /// <summary>Reads a binary-extension request from the body, enforcing the body limit while reading.</summary>
    public static Task<ProtocolResult<InferRequest>> ReadAsync(
        Stream body, long? contentLength, string? headerLength, PipelineDefinition pipeline, CancellationToken cancellationToken = default) =>
        InferRequestReader.ReadBoundedAsync(body, contentLength, bytes => Parse(bytes, headerLength, pipeline), cancellationToken);

    /// <param name="body">The whole body: JSON header, then the binary data.</param>
    /// <param name="headerLength">The Inference-Header-Content-Length header's value.</param>
    public static ProtocolResult<InferRequest> Parse(ReadOnlySpan<byte> body, string? headerLength, PipelineDefinition pipeline)
    {
        if (body.Length > ProtocolLimits.MaxBodyBytes) return ProtocolErrors.BodyTooLarge(body.Length);
        var text = headerLength?.Trim() ?? "";
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var jsonLength))
            return ProtocolErrors.InvalidRequest(
                $"{HeaderLengthHeader} must be the byte length of the JSON header (a non-negative integer); it is '{Clip(text)}'.");
        if (jsonLength > body.Length)
            return ProtocolErrors.InvalidRequest(
                $"{HeaderLengthHeader} says the JSON header has {jsonLength} bytes, but the body has only {body.Length}.");
        var header = body[..jsonLength];
        var binary = body[jsonLength..];
        if (header.Trim(" \t\r\n"u8).IsEmpty)
            return ProtocolErrors.MalformedJson($"The JSON header ({HeaderLengthHeader}: {jsonLength}) is empty; it must be an infer request object with 'inputs'.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), HeaderOptions);
        }
        catch (JsonException e)
        {
            return MalformedJsonError.From(e, header);
        }
        using (document)
        {
            try
            {
                return ReadHeader(document.RootElement, header, binary, pipeline);
            }
            catch (InvalidOperationException e)
            {
                // JsonElement throws this for a string that is not valid UTF-8.
                return ProtocolErrors.MalformedJson($"The JSON header is not valid: {e.Message}");
            }
        }
    }

    private static ProtocolResult<InferRequest> ReadHeader(JsonElement root, ReadOnlySpan<byte> header, ReadOnlySpan<byte> binary, PipelineDefinition pipeline)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return ProtocolErrors.InvalidRequest($"The JSON header must be an object with 'inputs', not {Describe(root.ValueKind)}.");
        var outputs = BinaryOutputs(root);
        if (!outputs.IsOk) return outputs.Error;

        if (!HasBinaryInput(root))
        {
            // Inputs in JSON: the header is a plain infer request, and nothing may follow it.
            if (!binary.IsEmpty)
                return ProtocolErrors.ShapeDataMismatch(
                    $"{binary.Length} bytes follow the JSON header, but no input has parameters.{BinaryDataSize}.", InputPointer + "/parameters");
            var plain = InferRequestParser.Parse(header, pipeline);
            return plain.IsOk ? plain.Value with { BinaryOutputs = outputs.Value } : plain;
        }
        return ReadBinaryInput(root, binary, pipeline, outputs.Value);
    }

    /// <summary>For a plain JSON body: the outputs it asks to get binary, read only when it mentions binary data at all.</summary>
    public static ProtocolResult<InferRequest> WithBinaryOutputs(ProtocolResult<InferRequest> parsed, ReadOnlySpan<byte> utf8Json)
    {
        if (!parsed.IsOk || utf8Json.IndexOf("binary_data"u8) < 0) return parsed;
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray(), HeaderOptions);
            var outputs = BinaryOutputs(document.RootElement);
            return outputs.IsOk ? parsed.Value with { BinaryOutputs = outputs.Value } : outputs.Error;
        }
        catch (JsonException e)
        {
            return MalformedJsonError.From(e, utf8Json);
        }
        catch (InvalidOperationException e)
        {
            return ProtocolErrors.MalformedJson($"The body is not valid: {e.Message}");
        }
    }

    private static bool HasBinaryInput(JsonElement root) =>
        root.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Array
        && inputs.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("parameters", out var p)
            && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(BinaryDataSize, out _));

    private static ProtocolResult<InferRequest> ReadBinaryInput(JsonElement root, ReadOnlySpan<byte> binary, PipelineDefinition pipeline, string[] binaryOutputs)
    {
        var model = pipeline.Name;
        string? id = null;
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            if (idElement.ValueKind != JsonValueKind.String)
                return ProtocolErrors.InvalidRequest($"'id' must be a string, not {Describe(idElement.ValueKind)}.", "/id");
            id = idElement.GetString();
        }

        var inputs = root.GetProperty("inputs");
        if (inputs.GetArrayLength() != 1)
            return ProtocolErrors.InvalidRequest(
                $"'inputs' holds {inputs.GetArrayLength()} inputs; model '{model}' takes exactly one, named '{ImageTensor.InputName}'.", "/inputs");
        var input = inputs[0];
        if (!input.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            return ProtocolErrors.InvalidRequest("The input needs a string 'name'.", InputPointer + "/name");
        if (!input.TryGetProperty("datatype", out var datatypeElement) || datatypeElement.ValueKind != JsonValueKind.String)
            return ProtocolErrors.InvalidRequest("The input needs a string 'datatype'.", InputPointer + "/datatype");
        if (input.TryGetProperty("data", out _))
            return ProtocolErrors.InvalidRequest(
                $"The input has both 'data' and parameters.{BinaryDataSize}; send its elements in one of them.", InputPointer + "/data");
        var shape = ReadShape(input);
        if (!shape.IsOk) return shape.Error;

        var sizeElement = input.GetProperty("parameters").GetProperty(BinaryDataSize);
        if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
            return ProtocolErrors.InvalidRequest($"parameters.{BinaryDataSize} must be a non-negative integer (bytes).", InputPointer + "/parameters/" + BinaryDataSize);
        if (size != binary.Length)
            return ProtocolErrors.ShapeDataMismatch(
                $"parameters.{BinaryDataSize} is {size} bytes, but {binary.Length} bytes follow the JSON header.", InputPointer + "/parameters/" + BinaryDataSize);

        var name = nameElement.GetString();
        var datatype = datatypeElement.GetString();
        if (ImageTensor.CheckHeader(name, datatype, shape.Value, pipeline.InputSide, model, InputPointer, out var count) is { } headerError)
            return headerError;

        double? slo = null;
        if (root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("slo_ms", out var sloElement))
        {
            if (sloElement.ValueKind != JsonValueKind.Number)
                return ProtocolErrors.InvalidSlo($"'slo_ms' must be a number of milliseconds, not {Describe(sloElement.ValueKind)}.", "/parameters/slo_ms");
            var value = sloElement.TryGetDouble(out var parsed) ? parsed : double.NaN;
            if (ImageTensor.CheckSlo(value, sloElement.GetRawText(), "/parameters/slo_ms") is { } sloError) return sloError;
            slo = value;
        }

        var items = ImageTensor.FromRaw(binary, datatype!, shape.Value, count, pipeline.InputSide, InputPointer + "/parameters/" + BinaryDataSize);
        if (!items.IsOk) return items.Error;
        return new InferRequest(id, items.Value, slo, datatype!) { BinaryOutputs = binaryOutputs };
    }

    private static ProtocolResult<long[]> ReadShape(JsonElement input)
    {
        const string pointer = InputPointer + "/shape";
        if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
            return ProtocolErrors.InvalidShape("The input needs a 'shape': an array of non-negative integers.", pointer);
        if (shape.GetArrayLength() > ImageDataReader.MaxNesting)
            return ProtocolErrors.InvalidShape($"'shape' has {shape.GetArrayLength()} dimensions; at most {ImageDataReader.MaxNesting} are accepted.", pointer);
        var dims = new long[shape.GetArrayLength()];
        for (var d = 0; d < dims.Length; d++)
            if (shape[d].ValueKind != JsonValueKind.Number || !shape[d].TryGetInt64(out dims[d]) || dims[d] < 0)
                return ProtocolErrors.InvalidShape($"'shape' must be an array of non-negative integers; element {d} is not.", $"{pointer}/{d}");
        return dims;
    }

    /// <summary>The outputs to answer in binary: all with binary_data_output, then each output's own binary_data overriding.</summary>
    private static ProtocolResult<string[]> BinaryOutputs(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return Array.Empty<string>();
        var all = false;
        if (root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty(BinaryDataOutput, out var flag))
        {
            if (flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return ProtocolErrors.InvalidRequest($"parameters.{BinaryDataOutput} must be true or false.", "/parameters/" + BinaryDataOutput);
            all = flag.GetBoolean();
        }
        var binary = all ? new List<string> { LabelOutput, ConfidenceOutput } : new List<string>();
        if (!root.TryGetProperty("outputs", out var outputs)) return binary.ToArray();
        if (outputs.ValueKind != JsonValueKind.Array)
            return ProtocolErrors.InvalidRequest($"'outputs' must be an array, not {Describe(outputs.ValueKind)}.", "/outputs");
        var index = 0;
        foreach (var output in outputs.EnumerateArray())
        {
            var pointer = $"/outputs/{index++}";
            if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                return ProtocolErrors.InvalidRequest("A requested output must be an object with a string 'name'.", pointer);
            var outputName = name.GetString();
            if (outputName is not (LabelOutput or ConfidenceOutput))
                return ProtocolErrors.InvalidRequest($"Output '{outputName}' is unknown; the answer has '{LabelOutput}' and '{ConfidenceOutput}'.", pointer + "/name");
            if (!output.TryGetProperty("parameters", out var outputParameters) || outputParameters.ValueKind != JsonValueKind.Object
                || !outputParameters.TryGetProperty(BinaryData, out var binaryData))
                continue;
            if (binaryData.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return ProtocolErrors.InvalidRequest($"parameters.{BinaryData} must be true or false.", pointer + "/parameters/" + BinaryData);
            binary.Remove(outputName);
            if (binaryData.GetBoolean()) binary.Add(outputName);
        }
        return binary.Distinct().ToArray();
    }

    /// <summary>
    /// The binary answer: the JSON header (as <see cref="InferResponseWriter"/> writes it, with binary
    /// outputs carrying parameters.binary_data_size instead of data), then the binary outputs' bytes in
    /// output order; <paramref name="headerLength"/> is the JSON header's length for the response header.
    /// </summary>
    public static byte[] Write(string modelName, string? id, IReadOnlyList<PipelineItem> results, int slots, double serverLatencyMs,
        IReadOnlyCollection<string> binaryOutputs, out int headerLength)
    {
        var labelBinary = binaryOutputs.Contains(LabelOutput);
        var confidenceBinary = binaryOutputs.Contains(ConfidenceOutput);
        var values = results.Count * slots;
        var header = ScratchBuffer.Rent();
        try
        {
            return WriteBody(header, modelName, id, results, slots, serverLatencyMs, labelBinary, confidenceBinary, values, out headerLength);
        }
        finally
        {
            ScratchBuffer.Return(header);
        }
    }

    private static byte[] WriteBody(ArrayBufferWriter<byte> header, string modelName, string? id, IReadOnlyList<PipelineItem> results, int slots,
        double serverLatencyMs, bool labelBinary, bool confidenceBinary, int values, out int headerLength)
    {
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("model_name", modelName);
            if (id is not null) json.WriteString("id", id);
            json.WriteStartArray("outputs");
            InferResponseWriter.WriteOutput(json, LabelOutput, "INT64", results, slots,
                static (w, item, s) => w.WriteNumberValue(item.Status == ItemStatus.Ok ? item.Labels[s] : -1), labelBinary ? values * sizeof(long) : null);
            InferResponseWriter.WriteOutput(json, ConfidenceOutput, "FP32", results, slots,
                static (w, item, s) => w.WriteNumberValue(item.Status == ItemStatus.Ok ? item.Confidence[s] : 0f), confidenceBinary ? values * sizeof(float) : null);
            json.WriteEndArray();
            json.WriteStartObject("parameters");
            json.WriteStartArray("models");
            foreach (var item in results) json.WriteStringValue(item.Status == ItemStatus.Ok ? string.Join(',', item.Models) : new string(',', slots - 1));
            json.WriteEndArray();
            json.WriteNumber("server_latency_ms", Math.Round(serverLatencyMs, 3));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        headerLength = header.WrittenCount;
        var body = new byte[headerLength + (labelBinary ? values * sizeof(long) : 0) + (confidenceBinary ? values * sizeof(float) : 0)];
        header.WrittenSpan.CopyTo(body);
        var offset = headerLength;
        if (labelBinary)
            foreach (var item in results)
                for (var s = 0; s < slots; s++, offset += sizeof(long))
                    BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(offset), item.Status == ItemStatus.Ok ? item.Labels[s] : -1);
        if (confidenceBinary)
            foreach (var item in results)
                for (var s = 0; s < slots; s++, offset += sizeof(float))
                    BinaryPrimitives.WriteSingleLittleEndian(body.AsSpan(offset), item.Status == ItemStatus.Ok ? item.Confidence[s] : 0f);
        return body;
    }

    /// <summary>The binary answer as an endpoint result, with its Inference-Header-Content-Length header.</summary>
    public static IResult Result(HttpContext http, string modelName, string? id, IReadOnlyList<PipelineItem> results, int slots, double serverLatencyMs,
        IReadOnlyCollection<string> binaryOutputs)
    {
        var body = Write(modelName, id, results, slots, serverLatencyMs, binaryOutputs, out var headerLength);
        http.Response.Headers[HeaderLengthHeader] = headerLength.ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(body, ContentType);
    }


    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
