namespace Gearbox.Silo;

/// <summary>Configuration section "Gearbox" (appsettings, or env vars such as Gearbox__Cluster__Redis).</summary>
public sealed class GearboxSiloOptions
{
    public const string Section = "Gearbox";

    /// <summary>Where data, weights and profiles live; default GEARBOX_DATA or the checkout's .data.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The pipelines file; default pipelines.json beside the binaries.</summary>
    public string? PipelinesFile { get; set; }

    /// <summary>
    /// Count every grain call for the dashboard's call statistics (Orleans' GrainProfilerOptions.TraceAlways).
    /// Off by default: it costs time on every call of the hot path.
    /// </summary>
    public bool TraceGrainCalls { get; set; }

    public ClusterOptions Cluster { get; set; } = new();

    public sealed class ClusterOptions
    {
        /// <summary>Redis for multi-silo membership ("host:port"); empty means one local silo.</summary>
        public string? Redis { get; set; }
        public string ClusterId { get; set; } = "gearbox";
        public string ServiceId { get; set; } = "gearbox";
        public int SiloPort { get; set; } = 11111;
        public int GatewayPort { get; set; } = 30000;
        /// <summary>The address other silos reach this one at (multi-silo); default loopback.</summary>
        public string? AdvertisedAddress { get; set; }
    }
}
