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
            silo.Configure<ClusterMembershipOptions>(FailureDetection);
        }
        silo.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        silo.AddGearboxStorage(configuration);
        silo.AddDashboard();
        if (options.TraceGrainCalls) silo.Services.Configure<GrainProfilerOptions>(o => o.TraceAlways = true);
        else RemoveDashboardCallFilter(silo.Services);
        return silo;
    }

    /// <summary>The dashboard's grain-call filter, found by name: the type is internal to Orleans.Dashboard.</summary>
    public const string DashboardCallFilterType = "Orleans.Dashboard.Implementation.GrainProfilerFilter";

    /// <summary>
    /// Without call tracing the dashboard's profiler filter only passes calls on, yet it still wraps every
    /// grain call (an async frame and Orleans' filter pipeline, three to five times per request); removing it
    /// takes that off the hot path. If a later dashboard renames the type, the filter simply stays.
    /// </summary>
    private static void RemoveDashboardCallFilter(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
            if (services[i].ServiceType == typeof(IIncomingGrainCallFilter) && services[i].ImplementationType?.FullName == DashboardCallFilterType)
                services.RemoveAt(i);
    }

    /// <summary>
    /// How long SIGTERM lets a silo drain: Orleans hands its grains' queued calls to other silos and
    /// deactivates them, and workers finish the batches they hold (the host's default of 30 s is kept as a floor).
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A silo that dies without leaving (kill -9, a lost machine) is declared dead after about three
    /// missed 1 s probes instead of Orleans' default 3 × 5 s: until then calls to its grains fail and
    /// the gateway retries them, so a short detection is what bounds the outage. Probes are cheap pings,
    /// and Orleans adapts each probe's timeout to the response times it sees (between half and four times
    /// ProbeTimeout), so a loaded but live silo is not evicted for answering slowly.
    /// </summary>
    public static void FailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 3;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
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
