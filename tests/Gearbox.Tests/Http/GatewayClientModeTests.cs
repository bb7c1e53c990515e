using Gearbox.Gateway;
using Gearbox.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Tests.Http;

/// <summary>Gearbox.Gateway.dll alone is an Orleans client; Gearbox.Silo.dll hosts a silo under the same API. Built, not started.</summary>
public class GatewayClientModeTests
{
    [Fact]
    public void The_gateway_alone_needs_the_cluster_redis_and_says_so()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayApp.Create(["--port", FreePort.Next().ToString()]));
        Assert.Contains("Gearbox:Cluster:Redis", error.Message);
        Assert.Contains("Gearbox.Silo.dll", error.Message);
    }

    [Fact]
    public async Task The_gateway_with_a_cluster_is_a_client_without_a_silo_and_the_silo_app_has_one()
    {
        await using var client = GatewayApp.Create(["--port", FreePort.Next().ToString(), "--Gearbox:Cluster:Redis", "127.0.0.1:1"]);
        Assert.NotNull(client.Services.GetService<IClusterClient>());
        Assert.Null(client.Services.GetService<ILocalSiloDetails>());

        await using var silo = SiloApp.Create(["--port", FreePort.Next().ToString()]);
        Assert.NotNull(silo.Services.GetService<ILocalSiloDetails>());
    }

    [Fact]
    public void The_retired_mode_setting_is_refused_with_the_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayApp.Create(["--Gearbox:Gateway:Mode", "client", "--Gearbox:Cluster:Redis", "127.0.0.1:1"]));
        Assert.Contains("Gearbox:Gateway:Mode", error.Message);
    }
}
