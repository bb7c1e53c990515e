using System.Net;
using Gearbox.Devices;
using Gearbox.Hosting;
using Gearbox.Serving;
using Gearbox.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Gearbox.Silo;

public static class GearboxSilo
{
    /// <summary>
    /// Configures a Gearbox silo: the serving grains' services, clustering (Redis when configured,
    /// else a single localhost silo), grain state, and the dashboard (call tracing only when asked for).
    /// </summary>
    public static ISiloBuilder UseGearbox(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(GearboxSiloOptions.Section).Get<GearboxSiloOptions>() ?? new GearboxSiloOptions();
        var paths = options.DataDirectory is { Length: > 0 } dir ? new GearboxPaths(dir) : GearboxPaths.Default();
        var catalog = PipelineCatalog.Load(options.PipelinesFile);
        var devices = DeviceOptions.From(configuration);
        silo.Services.AddGearboxServing(paths, catalog, GearboxSettings.ControlOptions(configuration), devices);
        silo.AnnounceDevices(devices);

        var cluster = options.Cluster;
        if (string.IsNullOrWhiteSpace(cluster.Redis))
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
        }
        else
        {
            silo.UseRedisClustering(cluster.Redis);
            silo.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            var advertised = AdvertisedAddress(cluster.AdvertisedAddress);
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        }
        silo.AddGearboxStorage(configuration);
        silo.AddDashboard();
        if (options.TraceGrainCalls) silo.Services.Configure<GrainProfilerOptions>(o => o.TraceAlways = true);
        return silo;
    }

    /// <summary>Empty: loopback (silos on one machine). "auto": this host name's first IPv4 (containers). Else an IP.</summary>
    private static IPAddress AdvertisedAddress(string? configured) => configured switch
    {
        null or "" => IPAddress.Loopback,
        "auto" => Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"Host '{Dns.GetHostName()}' has no IPv4 address to advertise; set Gearbox:Cluster:AdvertisedAddress."),
        _ => IPAddress.TryParse(configured, out var address) ? address
            : throw new InvalidOperationException($"Gearbox:Cluster:AdvertisedAddress '{configured}' is not an IP address or 'auto'."),
    };
}
