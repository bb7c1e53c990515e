using Gearbox.Gateway;
using Gearbox.Tests.Serving;
using Microsoft.AspNetCore.Builder;

namespace Gearbox.Tests.Http;

/// <summary>
/// The real gateway (Kestrel on a free loopback port, embedded silo on free ports) serving the quickly
/// trained models; tests talk to it over HTTP like any client.
/// </summary>
public sealed class GatewayServer : IAsyncLifetime
{
    private WebApplication? _app;

    public ServingModels Models => ServingModels.Instance;
    public HttpClient Http { get; private set; } = null!;
    public int MaxInFlight { get; } = 64;

    public async Task InitializeAsync()
    {
        var models = ServingModels.Instance;
        var port = FreePort.Next();
        _app = GatewayApp.Create([
            "--port", port.ToString(),
            "--Gearbox:DataDirectory", models.Paths.DataDirectory,
            "--Gearbox:Cluster:SiloPort", FreePort.Next().ToString(),
            "--Gearbox:Cluster:GatewayPort", FreePort.Next().ToString(),
            "--Gearbox:Gateway:MaxInFlight", MaxInFlight.ToString(),
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition("gateway")]
public sealed class GatewayCollection : ICollectionFixture<GatewayServer>;
