using Gearbox.Gateway.Protocol;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gearbox.Gateway.Grpc;

/// <summary>
/// Serves gRPC on its own loopback port, HTTP/2 cleartext only, beside the HTTP/1.1 port the JSON API
/// keeps for curl and browsers. Kestrel cannot offer HTTP/1.1 and cleartext HTTP/2 on one port (without
/// TLS there is no ALPN, so a mixed endpoint falls back to HTTP/1.1 and refuses gRPC), hence two ports.
/// Settings: <c>--grpc-port N</c> (default: the HTTP port + 1, so 8081 beside the default 8080; 0 turns
/// gRPC off) and <c>--grpc-host ADDRESS</c> (default: <c>--host</c>, else 127.0.0.1).
/// </summary>
public static class GrpcHosting
{
    public const string PortKey = "grpc-port";
    public const string HostKey = "grpc-host";

    /// <summary>The gRPC port the configuration asks for; 0 when gRPC is off.</summary>
    public static int Port(IConfiguration configuration) =>
        configuration.GetValue<int?>(PortKey) ?? (configuration.GetValue<int?>("port") ?? 8080) + 1;

    public static WebApplicationBuilder AddGearboxGrpc(this WebApplicationBuilder builder)
    {
        var port = Port(builder.Configuration);
        if (port == 0) return builder;
        var host = builder.Configuration[HostKey] ?? builder.Configuration["host"] ?? "127.0.0.1";

        // Add the gRPC address to whatever HTTP addresses are in force (--port/--host, --urls or ASPNETCORE_URLS).
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? "";
        builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://{host}:{port}"]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint =>
        {
            if (endpoint.IPEndPoint?.Port == port) endpoint.Protocols = HttpProtocols.Http2;
        }));

        builder.Services.AddGrpc(grpc =>
        {
            // The JSON body limit bounds a protobuf request too; bigger messages get RESOURCE_EXHAUSTED from the framework.
            grpc.MaxReceiveMessageSize = ProtocolLimits.MaxBodyBytes;
            grpc.MaxSendMessageSize = ProtocolLimits.MaxBodyBytes;
        });
        builder.Services.TryAddSingleton<InferenceService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<InferenceService>, InferenceMethods>());
        return builder;
    }

    public static WebApplication MapGearboxGrpc(this WebApplication app)
    {
        if (Port(app.Configuration) != 0) app.MapGrpcService<InferenceService>();
        return app;
    }
}
