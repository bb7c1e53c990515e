using Gearbox.Gateway;

namespace Gearbox.Silo;

/// <summary>A Gearbox silo with the gateway's HTTP/gRPC API in the same process (what Gearbox.Silo.dll runs).</summary>
public static class SiloApp
{
    public static WebApplication Create(string[] args) =>
        GatewayApp.Create(args, builder => builder.UseOrleans(silo => silo.UseGearbox(builder.Configuration)));
}
