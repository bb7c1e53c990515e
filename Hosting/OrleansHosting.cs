using Gearbox.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Gearbox.Hosting;

public static class OrleansHosting
{
    /// <summary>Client mode (Gearbox.Gateway.dll): joins the Redis-clustered silos as an Orleans client.</summary>
    public static void AddGearboxOrleansClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(GearboxSiloOptions.Section).Get<GearboxSiloOptions>()?.Cluster
            ?? new GearboxSiloOptions.ClusterOptions();
        if (string.IsNullOrWhiteSpace(cluster.Redis))
            throw new InvalidOperationException("The gateway joins a cluster as an Orleans client, but Gearbox:Cluster:Redis is not set: a client needs the cluster's membership table. " +
                "For one process with its own silo, run Gearbox.Silo.dll (./gearbox serve).");
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(cluster.Redis);
            client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            // Learn of silos that joined (and forget dead ones) within seconds, not the default minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.AddDashboard();
        });
    }
}
