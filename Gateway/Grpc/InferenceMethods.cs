using Gearbox.Gateway.Grpc.Inference;
using Gearbox.Gateway.Protocol;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Gearbox.Gateway.Grpc;

/// <summary>
/// Binds the six GRPCInferenceService methods to <see cref="InferenceService"/> with marshallers that
/// turn a request that is not valid protobuf into INVALID_ARGUMENT ("malformed-protobuf", with the
/// parser's reason) instead of the framework's generic error, so a client learns what it sent wrong.
/// </summary>
public sealed class InferenceMethods : IServiceMethodProvider<InferenceService>
{
    public const string ServiceName = "inference.GRPCInferenceService";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<InferenceService> context)
    {
        Add(context, "ServerLive", ServerLiveRequest.Parser, (s, r, c) => s.ServerLive(r, c));
        Add(context, "ServerReady", ServerReadyRequest.Parser, (s, r, c) => s.ServerReady(r, c));
        Add(context, "ModelReady", ModelReadyRequest.Parser, (s, r, c) => s.ModelReady(r, c));
        Add(context, "ServerMetadata", ServerMetadataRequest.Parser, (s, r, c) => s.ServerMetadata(r, c));
        Add(context, "ModelMetadata", ModelMetadataRequest.Parser, (s, r, c) => s.ModelMetadata(r, c));
        Add(context, "ModelInfer", ModelInferRequest.Parser, (s, r, c) => s.ModelInfer(r, c));
    }

    private static void Add<TRequest, TResponse>(
        ServiceMethodProviderContext<InferenceService> context, string name, MessageParser<TRequest> parser,
        UnaryServerMethod<InferenceService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, RequestMarshaller(parser), ResponseMarshaller<TResponse>());
        context.AddUnaryMethod(method, [], invoker);
    }

    internal static Marshaller<T> RequestMarshaller<T>(MessageParser<T> parser) where T : IMessage<T> =>
        new(static (message, serialization) => Serialize(message, serialization), deserialization =>
        {
            try
            {
                return parser.ParseFrom(deserialization.PayloadAsReadOnlySequence());
            }
            catch (InvalidProtocolBufferException e)
            {
                throw GrpcErrors.ToRpcException(ProtocolErrors.InvalidRequest(
                    $"The request is not a valid {typeof(T).Name} protobuf message: {e.Message}") with { Code = "malformed-protobuf", Title = "Malformed protobuf" });
            }
        });

    private static Marshaller<T> ResponseMarshaller<T>() where T : class, IMessage<T> =>
        new(static (message, serialization) => Serialize(message, serialization),
            static _ => throw new NotSupportedException("The server never reads its own responses."));

    private static void Serialize<T>(T message, SerializationContext serialization) where T : IMessage<T>
    {
        serialization.SetPayloadLength(message.CalculateSize());
        message.WriteTo(serialization.GetBufferWriter());
        serialization.Complete();
    }
}
