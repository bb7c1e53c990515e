using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Grpc.Inference;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Gateway.Grpc;

/// <summary>
/// A ModelInferRequest checked and decoded with the same rules as the JSON body (<see cref="ImageTensor"/>,
/// <see cref="ImageShape"/>, <see cref="ProtocolLimits"/>): the request, which outputs to answer with,
/// and whether to answer them as raw_output_contents. Pointers in errors name protobuf fields the way
/// the JSON path names members ("/inputs/0/shape", "/raw_input_contents/0").
/// </summary>
public sealed record GrpcInferRequest(InferRequest Request, string[] Outputs, bool RawOutput)
{
    public const string SloParameter = "slo_ms";
    public const string BinaryOutputParameter = "binary_data_output";
    public const string BinaryDataParameter = "binary_data";
    public const string LabelOutput = "label";
    public const string ConfidenceOutput = "confidence";
    public static readonly string[] AllOutputs = [LabelOutput, ConfidenceOutput];

    private const string InputPointer = "/inputs/0";

    public static ProtocolResult<GrpcInferRequest> Read(ModelInferRequest message, PipelineDefinition pipeline)
    {
        var side = pipeline.InputSide;
        var model = pipeline.Name;
        if (message.Inputs.Count == 0)
            return ProtocolErrors.InvalidRequest($"The request has no 'inputs'; send one input named '{ImageTensor.InputName}'.", "/inputs");
        if (message.Inputs.Count > 1)
            return ProtocolErrors.InvalidRequest(
                $"'inputs' holds {message.Inputs.Count} inputs; model '{model}' takes exactly one, named '{ImageTensor.InputName}'.", "/inputs/1");

        var input = message.Inputs[0];
        var shape = input.Shape;
        for (var d = 0; d < shape.Count; d++)
            if (shape[d] < 0)
                return ProtocolErrors.InvalidShape($"'shape' must hold non-negative integers; element {d} is {shape[d]}.", $"{InputPointer}/shape/{d}");
        if (ImageTensor.CheckHeader(input.Name, input.Datatype, shape, side, model, InputPointer, out var count) is { } headerError)
            return headerError;

        var items = ReadContents(message, input, count, side);
        if (!items.IsOk) return items.Error;

        double? slo = null;
        if (message.Parameters.TryGetValue(SloParameter, out var sloParameter))
        {
            var read = ReadSlo(sloParameter);
            if (!read.IsOk) return read.Error;
            slo = read.Value.Value;
        }

        var outputs = ReadOutputs(message, model, out var binaryRequested);
        if (!outputs.IsOk) return outputs.Error;
        var raw = message.Parameters.TryGetValue(BinaryOutputParameter, out var binary) && binary.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.BoolParam
            ? binary.BoolParam
            : binaryRequested ?? message.RawInputContents.Count > 0;
        var request = new InferRequest(string.IsNullOrEmpty(message.Id) ? null : message.Id, items.Value, slo, input.Datatype);
        return new GrpcInferRequest(request, outputs.Value, raw);
    }

    private static ProtocolResult<ImageBatch> ReadContents(ModelInferRequest message, ModelInferRequest.Types.InferInputTensor input, int count, int side)
    {
        var contents = input.Contents;
        var typed = contents is not null && ElementCount(contents) > 0;
        if (message.RawInputContents.Count > 0)
        {
            if (typed)
                return ProtocolErrors.InvalidRequest(
                    "The input has both 'contents' and 'raw_input_contents'; send its elements in one of them.", InputPointer + "/contents");
            if (message.RawInputContents.Count != message.Inputs.Count)
                return ProtocolErrors.InvalidRequest(
                    $"'raw_input_contents' holds {message.RawInputContents.Count} entries; it needs one per input ({message.Inputs.Count}).", "/raw_input_contents");
            // The parsed ByteString owns an array of exactly its bytes and never writes it: the batch takes it over (no copy).
            var raw = message.RawInputContents[0];
            var owned = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw.Memory, out var segment) ? segment.Array : null;
            return ImageTensor.FromRaw(raw.Span, input.Datatype, input.Shape, count, side, "/raw_input_contents/0", owned);
        }
        if (!typed)
            return ProtocolErrors.InvalidRequest(
                $"The input has no elements: send them as raw_input_contents or in contents.{(input.Datatype == ImageTensor.Uint8 ? "uint_contents" : "fp32_contents")}.",
                InputPointer + "/contents");

        var expected = input.Datatype == ImageTensor.Uint8 ? "uint_contents" : "fp32_contents";
        var given = input.Datatype == ImageTensor.Uint8 ? contents!.UintContents.Count : contents!.Fp32Contents.Count;
        if (given != ElementCount(contents))
            return ProtocolErrors.InvalidRequest(
                $"{input.Datatype} elements go in contents.{expected}; the input's contents use other fields.", $"{InputPointer}/contents");
        return input.Datatype == ImageTensor.Uint8
            ? ImageTensor.FromUints(contents.UintContents, input.Shape, count, side, $"{InputPointer}/contents/uint_contents")
            : ImageTensor.FromFloats(contents.Fp32Contents, input.Shape, count, side, $"{InputPointer}/contents/fp32_contents");
    }

    private static long ElementCount(InferTensorContents c) =>
        (long)c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count + c.Uint64Contents.Count
        + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count;

    private sealed record Slo(double Value);

    private static ProtocolResult<Slo> ReadSlo(InferParameter parameter)
    {
        const string pointer = "/parameters/slo_ms";
        double value;
        string text;
        switch (parameter.ParameterChoiceCase)
        {
            case InferParameter.ParameterChoiceOneofCase.Int64Param:
                value = parameter.Int64Param;
                text = parameter.Int64Param.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case InferParameter.ParameterChoiceOneofCase.StringParam:
                text = parameter.StringParam;
                if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)) value = double.NaN;
                break;
            default:
                return ProtocolErrors.InvalidSlo("'slo_ms' must be an int64_param (or a string_param) of milliseconds.", pointer);
        }
        if (ImageTensor.CheckSlo(value, text.Length <= 40 ? text : text[..40] + "...", pointer) is { } error) return error;
        return new Slo(value);
    }

    /// <summary>The outputs asked for (all when none is named), and whether any asked binary_data.</summary>
    private static ProtocolResult<string[]> ReadOutputs(ModelInferRequest message, string model, out bool? binary)
    {
        binary = null;
        if (message.Outputs.Count == 0) return AllOutputs;
        var names = new List<string>(message.Outputs.Count);
        for (var i = 0; i < message.Outputs.Count; i++)
        {
            var output = message.Outputs[i];
            if (output.Name is not (LabelOutput or ConfidenceOutput))
                return ProtocolErrors.InvalidRequest(
                    $"Output '{output.Name}' is unknown; model '{model}' answers with '{LabelOutput}' and '{ConfidenceOutput}'.", $"/outputs/{i}/name");
            if (names.Contains(output.Name))
                return ProtocolErrors.InvalidRequest($"Output '{output.Name}' is asked for twice.", $"/outputs/{i}/name");
            names.Add(output.Name);
            if (output.Parameters.TryGetValue(BinaryDataParameter, out var flag) && flag.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.BoolParam)
                binary = (binary ?? false) || flag.BoolParam;
        }
        return names.ToArray();
    }
}
