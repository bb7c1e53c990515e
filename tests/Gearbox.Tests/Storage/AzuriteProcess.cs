using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gearbox.Tests.Storage;

/// <summary>
/// A real Azurite table service (npm package 'azurite', installed by ./gearbox's npm step) on a free
/// port of 127.0.0.1, in-memory, killed on dispose. <see cref="Stop"/> simulates an outage.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _workDirectory;

    private AzuriteProcess(Process process, int port, string workDirectory)
    {
        _process = process;
        Port = port;
        _workDirectory = workDirectory;
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}/devstoreaccount1";
    public string ConnectionString => ConnectionStringFor(Port);

    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    public static async Task<AzuriteProcess> StartAsync()
    {
        var root = RepositoryRoot();
        var executable = Path.Combine(root, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(Path.Combine(root, "node_modules", "azurite", "package.json")) || !File.Exists(executable))
            throw new InvalidOperationException(
                $"Azurite is not installed (no {Path.Combine(root, "node_modules", "azurite")}). Run './gearbox test' (or 'npm ci') in {root} first.");

        var port = FreePort();
        var workDirectory = Directory.CreateTempSubdirectory("gearbox-azurite-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--tableHost", "127.0.0.1", "--tablePort", port.ToString(), "--skipApiVersionCheck",
                     "--inMemoryPersistence", "--disableTelemetry" })
            start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var azurite = new AzuriteProcess(process, port, workDirectory);
        process.OutputDataReceived += (_, e) => azurite.Record(e.Data);
        process.ErrorDataReceived += (_, e) => azurite.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await azurite.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
        return azurite;
    }

    /// <summary>Kills Azurite and waits until its port no longer answers.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process.Dispose();
        try { Directory.Delete(_workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    /// <summary>A port nothing listens on right now (also used to point a store at a service that is not there).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"azurite-table exited with code {_process.ExitCode} before listening on port {Port}:\n{Output()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"azurite-table did not listen on port {Port} within {timeout.TotalSeconds} s:\n{Output()}");
    }

    private string Output()
    {
        lock (_output) return _output.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
                return directory.FullName;
        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}: cannot find the repository root (and its node_modules/azurite).");
    }
}

/// <summary>One Azurite shared by the tests of a class; each test uses its own table.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    /// <summary>A table no other test uses, so tests need no clean-up between them.</summary>
    public static string NewTableName() => "t" + Guid.NewGuid().ToString("N")[..24];
}
