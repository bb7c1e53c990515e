using Gearbox.Silo;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Gearbox.Gateway;

public static class OrleansHosting
{
    /// <summary>Embedded (default): this process hosts a silo. Client mode: joins the Redis-clustered silos as a client.</summary>
    public static void AddGearboxOrleans(this WebApplicationBuilder builder, GatewayOptions gateway)
    {
        if (!gateway.IsClient)
        {
            builder.UseOrleans(silo => silo.UseGearbox(builder.Configuration));
            return;
        }
        var cluster = builder.Configuration.GetSection(GearboxSiloOptions.Section).Get<GearboxSiloOptions>()?.Cluster
            ?? new GearboxSiloOptions.ClusterOptions();
        if (string.IsNullOrWhiteSpace(cluster.Redis))
            throw new InvalidOperationException("Gearbox:Gateway:Mode is 'client' but Gearbox:Cluster:Redis is not set: a client needs the cluster's membership table.");
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(cluster.Redis);
            client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            // Learn of silos that joined (and forget dead ones) within seconds, not the default minute.
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.AddDashboard();
        });
    }
}
