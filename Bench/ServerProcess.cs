using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Gearbox.Bench;

/// <summary>How a server start ended: serving, refused (the mode is unknown to this build), or failed.</summary>
public enum StartStatus
{
    Ready,
    Unsupported,
    Failed,
}

/// <summary>What to start: the gateway's dll, the control mode (and the peak load a static configuration is sized for), the data folder.</summary>
public sealed record ServerLaunch(string DllPath, string Mode, double? PeakLoad, string DataDirectory)
{
    /// <summary>More configuration for the server, each given as "--Key Value".</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];
}

/// <summary>
/// One server (a silo with the gateway API) started by the bench as a child process (<c>dotnet Gearbox.Silo.dll --port P
/// --Gearbox:Control:Mode M …</c>) on free loopback ports. Stopping sends SIGTERM, then kills the process
/// tree after a grace period; every live server is also killed when the bench exits, so none outlives it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int MaxTailLines = 400;
    private static readonly object LiveLock = new();
    private static readonly HashSet<ServerProcess> Live = [];
    private static readonly List<int> Started = [];
    private static bool _exitHookInstalled;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly object _tailLock = new();

    private ServerProcess(Process process, int port, IReadOnlyList<string> arguments)
    {
        _process = process;
        Port = port;
        Arguments = arguments;
        BaseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    public int Port { get; }
    public Uri BaseUri { get; }
    public IReadOnlyList<string> Arguments { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The command line, for the log.</summary>
    public string CommandLine => "dotnet " + string.Join(' ', Arguments);

    /// <summary>The arguments for one server: its dll, the HTTP port, the control mode, and the silo's own two ports.</summary>
    public static string[] ArgumentsFor(ServerLaunch launch, int port, int siloPort, int gatewayPort)
    {
        var args = new List<string>
        {
            launch.DllPath,
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--Gearbox:Control:Mode", launch.Mode,
        };
        if (launch.PeakLoad is { } peak) args.AddRange(["--Gearbox:Control:PeakLoad", peak.ToString("0.###", CultureInfo.InvariantCulture)]);
        args.AddRange([
            "--Gearbox:Cluster:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture),
            "--Gearbox:Cluster:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture),
        ]);
        foreach (var (key, value) in launch.Settings) args.AddRange(["--" + key, value]);
        return [.. args];
    }

    public static ServerProcess Start(ServerLaunch launch)
    {
        if (!File.Exists(launch.DllPath))
            throw new BenchUsageException($"No server build at {launch.DllPath}: run 'dotnet build Silo -c Release' (or './gearbox setup'), or pass --server PATH.");
        InstallExitHook();
        var ports = FreePorts(3);
        var arguments = ArgumentsFor(launch, ports[0], ports[1], ports[2]);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // a server never reads the bench's terminal
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(launch.DllPath))!,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["GEARBOX_DATA"] = launch.DataDirectory;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process, ports[0], arguments);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        lock (LiveLock)
        {
            process.Start();
            Live.Add(server);
            Started.Add(process.Id);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The last lines the server printed (stdout and stderr interleaved).</summary>
    public string[] OutputTail()
    {
        lock (_tailLock) return [.. _tail];
    }

    /// <summary>
    /// Waits until /v2/health/ready answers 200. A server that exits first is <see cref="StartStatus.Unsupported"/>
    /// when its output rejects the control mode (an unknown Gearbox:Control:Mode), otherwise <see cref="StartStatus.Failed"/>.
    /// </summary>
    public async Task<(StartStatus Status, string? Problem)> WaitReadyAsync(TimeSpan timeout, CancellationToken cancel)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri(BaseUri, "/v2/health/ready");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            cancel.ThrowIfCancellationRequested();
            if (_process.HasExited) return await ExitedEarlyAsync();
            try
            {
                using var response = await client.GetAsync(ready, cancel);
                if (response.StatusCode == HttpStatusCode.OK) return (StartStatus.Ready, null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.Delay(250, cancel);
        }
        if (_process.HasExited) return await ExitedEarlyAsync();
        return (StartStatus.Failed, $"not ready within {timeout.TotalSeconds:0} s (GET {ready}); last output: {LastLines(5)}");
    }

    private async Task<(StartStatus, string?)> ExitedEarlyAsync()
    {
        try
        {
            // Unlike WaitForExit(timeout), this also waits for the output readers to reach the end of the streams.
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Judge from what has been read.
        }
        var exit = _process.ExitCode;
        var rejection = ModeRejection(OutputTail());
        return rejection is not null
            ? (StartStatus.Unsupported, rejection)
            : (StartStatus.Failed, $"the server exited with code {exit} before it was ready; last output: {LastLines(5)}");
    }

    /// <summary>The server's own words when it refused its control mode (a line naming Gearbox:Control:Mode), else null.</summary>
    public static string? ModeRejection(IEnumerable<string> output)
    {
        var line = output.FirstOrDefault(l => l.Contains("Gearbox:Control:Mode", StringComparison.OrdinalIgnoreCase));
        if (line is null) return null;
        var at = line.IndexOf("Gearbox:Control:Mode", StringComparison.OrdinalIgnoreCase);
        return line[at..].Trim();
    }

    /// <summary>The first line naming an exception (the cause, before its stack), then the last few lines.</summary>
    private string LastLines(int count)
    {
        var all = OutputTail().Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToArray();
        var cause = all.FirstOrDefault(l => l.Contains("Exception:", StringComparison.Ordinal) || l.StartsWith("Unhandled exception", StringComparison.Ordinal));
        var lines = (cause is null ? [] : new[] { cause }).Concat(all.Where(l => !l.StartsWith("at ", StringComparison.Ordinal)).TakeLast(count))
            .Distinct().ToArray();
        return lines.Length == 0 ? "(none)" : string.Join(" | ", lines);
    }

    /// <summary>The server could not bind a port (another process took it after the bench found it free): worth starting again on new ports.</summary>
    public bool LostAPort => OutputTail().Any(l => l.Contains("Address already in use", StringComparison.Ordinal));

    /// <summary>SIGTERM, then a kill of the whole process tree if it has not exited within <paramref name="grace"/>. Returns how it ended.</summary>
    public async Task<string> StopAsync(TimeSpan grace)
    {
        try
        {
            if (_process.HasExited) return $"had already exited (code {_process.ExitCode})";
            var signalled = SendSigterm(_process.Id);
            using var wait = new CancellationTokenSource(grace);
            try
            {
                if (signalled) await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // Grace over.
            }
            if (_process.HasExited) return $"stopped (SIGTERM, exit code {_process.ExitCode})";
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            return $"killed after {grace.TotalSeconds:0} s without exiting on SIGTERM";
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return $"stop: {e.Message}";
        }
        finally
        {
            lock (LiveLock) Live.Remove(this);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
    }

    /// <summary>Kills every server still running, at once (the bench is exiting or was interrupted twice).</summary>
    public static void KillAll()
    {
        ServerProcess[] live;
        lock (LiveLock) live = [.. Live];
        foreach (var server in live)
        {
            try
            {
                if (!server._process.HasExited) server._process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    /// <summary>The process ids of every server this process started, in order (for tests).</summary>
    public static IReadOnlyList<int> StartedPids
    {
        get
        {
            lock (LiveLock) return [.. Started];
        }
    }

    /// <summary>Servers started and not yet stopped (for tests and the exit hook).</summary>
    public static int LiveCount
    {
        get
        {
            lock (LiveLock) return Live.Count(s => !s._process.HasExited);
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tailLock)
        {
            _tail.Enqueue(line);
            while (_tail.Count > MaxTailLines) _tail.Dequeue();
        }
    }

    private static void InstallExitHook()
    {
        lock (LiveLock)
        {
            if (_exitHookInstalled) return;
            _exitHookInstalled = true;
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    /// <summary>Distinct loopback ports nobody listens on right now (held together while choosing, so they differ).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private static bool SendSigterm(int pid)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        try
        {
            return SysKill(pid, Sigterm) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
