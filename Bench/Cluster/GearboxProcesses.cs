using Gearbox.Tests.Serving;

namespace Gearbox.Tests.Cluster;

/// <summary>
/// The one place that knows how to start Gearbox's executables as a multi-silo cluster (the README's
/// "Scaling out" recipe): a standalone silo and a client-mode gateway, from the builds beside this test
/// build (same configuration and framework), all joined through one Redis, on loopback ports.
/// </summary>
public sealed class GearboxProcesses(int redisPort)
{
    private static readonly DirectoryInfo TestOutput = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
    private static readonly string Framework = TestOutput.Name;                 // net10.0
    private static readonly string Configuration = TestOutput.Parent!.Name;     // Release

    public static string SiloDll => Build("Silo", "Gearbox.Silo.dll");
    public static string GatewayDll => Build("Gateway", "Gearbox.Gateway.dll");

    /// <summary>A silo: its Orleans ports and the HTTP port its co-hosted API (and /metrics) listens on; no gRPC, no warm-up traffic.</summary>
    public ChildProcess StartSilo(string name, SiloPorts ports) =>
        ChildProcess.Start(name, "dotnet", [
            SiloDll,
            "--urls", $"http://127.0.0.1:{ports.Http}",
            "--grpc-port", "0",
            "--Gearbox:Gateway:WarmUpSeconds", "0",
            "--Gearbox:Cluster:SiloPort", ports.Silo.ToString(),
            "--Gearbox:Cluster:GatewayPort", ports.Gateway.ToString(),
            .. Common(),
        ], Environment());

    /// <summary>A gateway that hosts no silo: an Orleans client of the Redis-clustered silos, HTTP on <paramref name="httpPort"/>.</summary>
    public ChildProcess StartClientGateway(int httpPort) =>
        ChildProcess.Start("gateway", "dotnet", [
            GatewayDll,
            "--urls", $"http://127.0.0.1:{httpPort}",
            "--grpc-port", "0",
            "--Gearbox:Gateway:WarmUpSeconds", "0",
            .. Common(),
        ], Environment());

    /// <summary>What a silo prints once it has joined the cluster and started (the host's start-up line follows the silo's start).</summary>
    public const string SiloStartedLine = "Application started";

    private string[] Common() => [
        "--Gearbox:Cluster:Redis", $"127.0.0.1:{redisPort}",
        "--Gearbox:Cluster:ClusterId", "faults",
        "--Logging:LogLevel:Default", "Information",
        "--Logging:LogLevel:Orleans", "Warning",
    ];

    /// <summary>The test build's quickly trained models and profiles (GEARBOX_DATA), so the suite needs no full set-up.</summary>
    private static Dictionary<string, string> Environment() => new()
    {
        ["GEARBOX_DATA"] = ServingModels.Instance.Paths.DataDirectory,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_gcServer"] = "0",
    };

    private static string Build(string project, string dll)
    {
        for (var directory = TestOutput; directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Orleans.sln"))) continue;
            var path = Path.Combine(directory.FullName, project, "bin", Configuration, Framework, dll);
            return File.Exists(path) ? path
                : throw new InvalidOperationException($"No build at {path}: run 'dotnet build Orleans.sln -c {Configuration}' first.");
        }
        throw new InvalidOperationException($"No Orleans.sln above {TestOutput.FullName}: cannot find the silo and gateway builds.");
    }
}

/// <summary>A silo's loopback ports: silo-to-silo, Orleans gateway (for clients), HTTP.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http);
