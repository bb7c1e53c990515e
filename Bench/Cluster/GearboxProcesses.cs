using System.Globalization;

namespace Gearbox.Bench;

/// <summary>
/// What a multi-process cluster runs: the silo and gateway builds, the data folder (GEARBOX_DATA), the
/// cluster id, and more settings for every silo (e.g. emulated devices) and every process (e.g. the pipelines file).
/// </summary>
public sealed record ClusterLaunch(string SiloDll, string GatewayDll, string DataDirectory, string ClusterId)
{
    /// <summary>More "--Key Value" settings for each silo only.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SiloSettings { get; init; } = [];

    /// <summary>More "--Key Value" settings for the silos and the gateway.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CommonSettings { get; init; } = [];

    /// <summary>The Silo and Gateway builds of the checkout at or above <paramref name="from"/> (the one with Orleans.sln).</summary>
    public static (string SiloDll, string GatewayDll) BuildsAbove(DirectoryInfo from, string configuration, string framework)
    {
        for (var directory = from; directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Orleans.sln"))) continue;
            string Build(string project, string dll)
            {
                var path = Path.Combine(directory.FullName, project, "bin", configuration, framework, dll);
                return File.Exists(path) ? path
                    : throw new FileNotFoundException($"No build at {path}: run 'dotnet build Orleans.sln -c {configuration}' first.", path);
            }
            return (Build("Silo", "Gearbox.Silo.dll"), Build("Gateway", "Gearbox.Gateway.dll"));
        }
        throw new FileNotFoundException($"No Orleans.sln at or above {from.FullName}: cannot find the silo and gateway builds.");
    }
}

/// <summary>
/// The one place that knows how to start Gearbox's executables as a multi-silo cluster (the README's
/// "Scaling out" recipe): a standalone silo and a client-mode gateway, all joined through one Redis, on
/// loopback ports, each in its own process group (<see cref="ChildProcess"/>).
/// </summary>
public sealed class GearboxProcesses(ClusterLaunch launch, int redisPort)
{
    /// <summary>What a silo prints once it has joined the cluster and started (the host's start-up line follows the silo's start).</summary>
    public const string SiloStartedLine = "Application started";

    /// <summary>A silo: its Orleans ports and the HTTP port its co-hosted API (and /metrics) listens on; no gRPC, no warm-up traffic.</summary>
    public ChildProcess StartSilo(string name, SiloPorts ports) =>
        ChildProcess.Start(name, "dotnet", [
            launch.SiloDll,
            "--urls", $"http://127.0.0.1:{N(ports.Http)}",
            "--grpc-port", "0",
            "--Gearbox:Gateway:WarmUpSeconds", "0",
            "--Gearbox:Cluster:SiloPort", N(ports.Silo),
            "--Gearbox:Cluster:GatewayPort", N(ports.Gateway),
            .. Common(),
            .. Flatten(launch.SiloSettings),
        ], Environment());

    /// <summary>A gateway that hosts no silo: an Orleans client of the Redis-clustered silos, HTTP on <paramref name="httpPort"/>.</summary>
    public ChildProcess StartClientGateway(int httpPort) =>
        ChildProcess.Start("gateway", "dotnet", [
            launch.GatewayDll,
            "--urls", $"http://127.0.0.1:{N(httpPort)}",
            "--grpc-port", "0",
            "--Gearbox:Gateway:WarmUpSeconds", "0",
            .. Common(),
        ], Environment());

    private string[] Common() => [
        "--Gearbox:Cluster:Redis", $"127.0.0.1:{N(redisPort)}",
        "--Gearbox:Cluster:ClusterId", launch.ClusterId,
        "--Logging:LogLevel:Default", "Information",
        "--Logging:LogLevel:Orleans", "Warning",
        .. Flatten(launch.CommonSettings),
    ];

    private static IEnumerable<string> Flatten(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.SelectMany(s => new[] { "--" + s.Key, s.Value });

    private Dictionary<string, string> Environment() => new()
    {
        ["GEARBOX_DATA"] = launch.DataDirectory,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_gcServer"] = "0",
    };

    private static string N(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A silo's loopback ports: silo-to-silo, Orleans gateway (for clients), HTTP.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http);
