using System.Buffers.Binary;
using Gearbox.Gateway.Grpc;
using Gearbox.Gateway.Grpc.Inference;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Gearbox.Tests.Grpc;

/// <summary>Builds KServe v2 gRPC requests and reads answers, as a client would.</summary>
public static class GrpcInfer
{
    public static GrpcChannel Channel(Uri address) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = null });

    public static GRPCInferenceService.GRPCInferenceServiceClient Client(GrpcChannel channel) => new(channel);

    /// <summary>A request for square UINT8 images: raw bytes, or typed uint_contents; FP32 (pixel / 255) likewise.</summary>
    public static ModelInferRequest Request(string model, IReadOnlyList<byte[]> images, int side, bool raw = true, string datatype = "UINT8", long? sloMs = 60_000)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = datatype, Shape = { images.Count, side, side } };
        var request = new ModelInferRequest { ModelName = model, Inputs = { input } };
        if (sloMs is { } slo) request.Parameters["slo_ms"] = new InferParameter { Int64Param = slo };
        if (datatype == "FP32")
        {
            var floats = images.SelectMany(i => i.Select(b => b / 255f)).ToArray();
            if (raw)
            {
                var bytes = new byte[floats.Length * 4];
                for (var i = 0; i < floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), floats[i]);
                request.RawInputContents.Add(ByteString.CopyFrom(bytes));
            }
            else
            {
                input.Contents = new InferTensorContents { Fp32Contents = { floats } };
            }
        }
        else if (raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(images.SelectMany(i => i).ToArray()));
        }
        else
        {
            input.Contents = new InferTensorContents { UintContents = { images.SelectMany(i => i.Select(b => (uint)b)) } };
        }
        return request;
    }

    /// <summary>The labels of an answer, raw or typed.</summary>
    public static long[] Labels(ModelInferResponse response)
    {
        var index = response.Outputs.ToList().FindIndex(o => o.Name == "label");
        Assert.True(index >= 0, "the answer has no 'label' output");
        Assert.Equal("INT64", response.Outputs[index].Datatype);
        if (response.RawOutputContents.Count == 0) return response.Outputs[index].Contents.Int64Contents.ToArray();
        var bytes = response.RawOutputContents[index].Span;
        var labels = new long[bytes.Length / 8];
        for (var i = 0; i < labels.Length; i++) labels[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
        return labels;
    }

    public static float[] Confidences(ModelInferResponse response)
    {
        var index = response.Outputs.ToList().FindIndex(o => o.Name == "confidence");
        if (response.RawOutputContents.Count == 0) return response.Outputs[index].Contents.Fp32Contents.ToArray();
        var bytes = response.RawOutputContents[index].Span;
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        return values;
    }

    /// <summary>The problem code an error carries in its trailers (e.g. "wrong-image-side").</summary>
    public static string? Problem(RpcException e) => e.Trailers.GetValue(GrpcErrors.ProblemTrailer);
}
