using Gearbox.Silo;
using Gearbox.Tests.Serving;
using Microsoft.AspNetCore.Builder;

namespace Gearbox.Tests.Http;

/// <summary>
/// The real gateway (Kestrel on a free loopback port, its silo in the same process on free ports) serving the quickly
/// trained models; tests talk to it over HTTP like any client.
/// </summary>
public sealed class GatewayServer : IAsyncLifetime
{
    private WebApplication? _app;

    public ServingModels Models => ServingModels.Instance;
    public HttpClient Http { get; private set; } = null!;
    public int MaxInFlight { get; } = 64;
    public IServiceProvider Services => _app!.Services;
    public Uri GrpcAddress => GrpcAddressOf(_app!);

    public async Task InitializeAsync() =>
        (_app, Http) = await StartAsync("--Gearbox:Gateway:MaxInFlight", MaxInFlight.ToString());

    public async Task DisposeAsync() => await StopAsync(_app, Http);

    /// <summary>
    /// Starts a silo with the gateway API (what ./gearbox serve runs) on free ports; <paramref name="extra"/> adds settings. Gear
    /// switching is off ("off") so tests see the configurations they set; pass
    /// "--Gearbox:Control:Mode", "auto" to test the online loop.
    /// </summary>
    public static async Task<(WebApplication App, HttpClient Http)> StartAsync(params string[] extra)
    {
        // A port FreePort found free can be taken (by any process's outgoing connection) before Kestrel or the
        // silo binds it; start again on fresh ports rather than fail the test for it.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var app = SiloApp.Create([
                "--port", port.ToString(),
                "--Gearbox:DataDirectory", ServingModels.Instance.Paths.DataDirectory,
                "--Gearbox:Cluster:SiloPort", FreePort.Next().ToString(),
                "--Gearbox:Cluster:GatewayPort", FreePort.Next().ToString(),
                "--Logging:LogLevel:Default", "Warning",
                "--Gearbox:Control:Mode", "off",
                "--Gearbox:Gateway:WarmUpSeconds", "0",
                "--grpc-port", FreePort.Next().ToString(),
                .. extra,
            ]);
            try
            {
                await app.StartAsync();
                return (app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
                await app.DisposeAsync();
            }
        }
    }

    private static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException
                || e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
                return true;
        return false;
    }

    /// <summary>The gRPC (h2c) address of a gateway <see cref="StartAsync"/> started.</summary>
    public static Uri GrpcAddressOf(WebApplication app) => new($"http://127.0.0.1:{app.Configuration["grpc-port"]}");

    public static async Task StopAsync(WebApplication? app, HttpClient? http)
    {
        http?.Dispose();
        if (app is null) return;
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

[CollectionDefinition("gateway")]
public sealed class GatewayCollection : ICollectionFixture<GatewayServer>;
