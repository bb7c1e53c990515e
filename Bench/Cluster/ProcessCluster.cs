using System.Net;

namespace Gearbox.Bench;

/// <summary>
/// redis-server, N standalone silos and one client-mode gateway as real processes on loopback ports.
/// Start-up waits for each part with a timeout and fails with the part's last output; disposing kills
/// every process group, whatever state the test left them in.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly List<ChildProcess> _all = [];
    private readonly GearboxProcesses _processes;
    private readonly TimeSpan _startTimeout;
    private ChildProcess? _gateway;

    private ProcessCluster(ChildProcess redis, int redisPort, ClusterLaunch launch, TimeSpan startTimeout)
    {
        _all.Add(redis);
        _processes = new GearboxProcesses(launch, redisPort);
        _startTimeout = startTimeout;
        Redis = redis;
        RedisPort = redisPort;
    }

    public ChildProcess Redis { get; }
    public int RedisPort { get; }
    public List<(ChildProcess Process, SiloPorts Ports)> Silos { get; } = [];
    public ChildProcess Gateway => _gateway ?? throw new InvalidOperationException("The gateway has not started.");
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts Redis, <paramref name="silos"/> silos and the gateway, each part given <paramref name="startTimeout"/> (default 90 s) to be up.</summary>
    public static async Task<ProcessCluster> StartAsync(ClusterLaunch launch, int silos, TimeSpan? startTimeout = null, CancellationToken cancel = default)
    {
        var redisPort = ServerProcess.FreePorts(1)[0];
        var cluster = new ProcessCluster(await RedisServer.StartAsync(redisPort), redisPort, launch, startTimeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.AddSiloAsync(cancel)));
            await cluster.StartGatewayAsync(cancel: cancel);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo and waits until it has joined.</summary>
    public async Task<ChildProcess> AddSiloAsync(CancellationToken cancel = default)
    {
        ChildProcess silo;
        SiloPorts ports;
        lock (_all)
        {
            var free = ServerProcess.FreePorts(3);
            ports = new SiloPorts(free[0], free[1], free[2]);
            silo = _processes.StartSilo($"silo{Silos.Count + 1}", ports);
            _all.Add(silo);
            Silos.Add((silo, ports));
        }
        await WaitUntil(silo, () => Task.FromResult(silo.Printed(GearboxProcesses.SiloStartedLine)), $"print '{GearboxProcesses.SiloStartedLine}'", cancel);
        return silo;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every silo still running and waits until all have exited (Redis and the
    /// gateway keep running): the whole cluster's silos gone, as in a restart. Fails with their output if one lingers.
    /// </summary>
    public async Task StopAllSilosAsync(int signal, TimeSpan timeout)
    {
        var running = Silos.Select(s => s.Process).Where(p => !p.HasExited).ToArray();
        foreach (var silo in running) silo.Signal(signal);
        var exited = await Task.WhenAll(running.Select(s => s.WaitForExitAsync(timeout)));
        if (exited.All(e => e)) return;
        throw new InvalidOperationException($"Not every silo exited within {timeout.TotalSeconds:0} s of signal {signal}.\n{Describe()}");
    }

    /// <summary>The silo whose Orleans address (as in a worker's "silo" field, "S127.0.0.1:port:gen") uses that silo port.</summary>
    public ChildProcess SiloAt(string siloAddress) =>
        Silos.Single(s => siloAddress.Contains($":{s.Ports.Silo}:", StringComparison.Ordinal) || siloAddress.Contains($":{s.Ports.Silo}@", StringComparison.Ordinal)).Process;

    /// <summary>Starts the gateway; unless told otherwise, waits until /v2/health/ready says ready.</summary>
    public async Task StartGatewayAsync(bool waitReady = true, CancellationToken cancel = default)
    {
        var port = ServerProcess.FreePorts(1)[0];
        _gateway = _processes.StartClientGateway(port);
        lock (_all) _all.Add(_gateway);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        if (!waitReady)
        {
            await WaitUntil(_gateway, async () => await Answers("/v2/health/live"), "answer GET /v2/health/live", cancel);
            return;
        }
        await WaitUntil(_gateway, async () => await Answers("/v2/health/ready", HttpStatusCode.OK), "answer 200 to GET /v2/health/ready", cancel);
    }

    /// <summary>Every process's last lines, for a failing assertion's message.</summary>
    public string Describe()
    {
        lock (_all) return string.Join("\n", _all.Select(p => p.Describe(25)));
    }

    private async Task<bool> Answers(string path, HttpStatusCode? status = null)
    {
        try
        {
            using var response = await Http.GetAsync(path).WaitAsync(TimeSpan.FromSeconds(10));
            return status is null || response.StatusCode == status;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            return false;
        }
    }

    private async Task WaitUntil(ChildProcess process, Func<Task<bool>> ready, string what, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + _startTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await ready()) return;
            await Task.Delay(200, cancel);
        }
        throw new InvalidOperationException(
            $"{process.Name} did not {what} within {_startTimeout.TotalSeconds:0} s.\n{process.Describe()}\n--- the others ---\n{Describe()}");
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        ChildProcess[] all;
        lock (_all) all = [.. _all];
        // The gateway first, then the silos, Redis last; every group is killed, none is left running.
        foreach (var process in all.AsEnumerable().Reverse()) await process.DisposeAsync();
    }
}
