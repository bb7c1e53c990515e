using System.Buffers.Binary;
using System.Globalization;
using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Grpc.Inference;
using Google.Protobuf;

namespace Gearbox.Gateway.Grpc;

/// <summary>
/// The ModelInferResponse for served items, with the JSON answer's content: "label" (INT64) and
/// "confidence" (FP32), shape [N] or [N,slots] for a grid (label -1 for an empty tile), as typed
/// contents or as raw_output_contents (little-endian); parameters "models" (per item the model that
/// answered, items separated by ';', a grid's tiles by ',') and "server_latency_ms" (a decimal string).
/// </summary>
public static class GrpcInferResponse
{
    public const string ModelsParameter = "models";
    public const string LatencyParameter = "server_latency_ms";

    public static ModelInferResponse Build(string modelName, GrpcInferRequest request, IReadOnlyList<PipelineItem> results, int slots, double serverLatencyMs)
    {
        var response = new ModelInferResponse { ModelName = modelName, ModelVersion = "1" };
        if (request.Request.Id is { } id) response.Id = id;
        long[] shape = slots == 1 ? [results.Count] : [results.Count, slots];
        foreach (var name in request.Outputs)
        {
            var label = name == GrpcInferRequest.LabelOutput;
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = label ? "INT64" : "FP32" };
            output.Shape.AddRange(shape);
            if (request.RawOutput)
            {
                response.RawOutputContents.Add(label ? RawLabels(results, slots) : RawConfidences(results, slots));
            }
            else
            {
                output.Contents = new InferTensorContents();
                foreach (var item in results)
                    for (var s = 0; s < slots; s++)
                        if (label) output.Contents.Int64Contents.Add(item.Labels[s]);
                        else output.Contents.Fp32Contents.Add(item.Confidence[s]);
            }
            response.Outputs.Add(output);
        }
        response.Parameters[ModelsParameter] = new InferParameter { StringParam = string.Join(';', results.Select(r => string.Join(',', r.Models))) };
        response.Parameters[LatencyParameter] = new InferParameter { StringParam = Math.Round(serverLatencyMs, 3).ToString(CultureInfo.InvariantCulture) };
        return response;
    }

    private static ByteString RawLabels(IReadOnlyList<PipelineItem> results, int slots)
    {
        var bytes = new byte[results.Count * slots * sizeof(long)];
        var offset = 0;
        foreach (var item in results)
            for (var s = 0; s < slots; s++, offset += sizeof(long))
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), item.Labels[s]);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static ByteString RawConfidences(IReadOnlyList<PipelineItem> results, int slots)
    {
        var bytes = new byte[results.Count * slots * sizeof(float)];
        var offset = 0;
        foreach (var item in results)
            for (var s = 0; s < slots; s++, offset += sizeof(float))
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), item.Confidence[s]);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }
}
