using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gearbox.Cli.Commands;

/// <summary>
/// The real server (Gearbox.Silo.dll: a silo and the gateway API) run as a child process on free loopback ports, for measuring the
/// served path from outside. Its output is kept (last lines) for error messages; disposing stops it.
/// </summary>
public sealed class GatewayChild : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private GatewayChild(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseUri { get; }
    public int Pid => _process.Id;

    public static GatewayChild Start(string gatewayDll, GearboxPaths paths)
    {
        var (port, siloPort, gatewayPort) = FreePorts();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(gatewayDll);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment["GEARBOX_DATA"] = paths.DataDirectory;
        // Its own silo ports, so a gateway already serving on this machine is not disturbed.
        info.Environment["Gearbox__Cluster__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Gearbox__Cluster__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start 'dotnet {gatewayDll}'.");
        return new GatewayChild(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidDataException($"The gateway exited with code {_process.ExitCode} before it was ready: {Tail()}");
            try
            {
                using var response = await http.GetAsync("/v2/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The gateway was not ready within {timeout.TotalSeconds:0} s: {Tail()}");
    }

    /// <summary>The gateway's last lines of output.</summary>
    public string Tail()
    {
        lock (_tail) return _tail.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _tail);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 30) _tail.Dequeue();
        }
    }

    /// <summary>Three distinct free loopback ports (all held open together while chosen, so none repeats).</summary>
    private static (int Http, int Silo, int Gateway) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var l in listeners) l.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
