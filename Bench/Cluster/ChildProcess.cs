using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Gearbox.Bench;

/// <summary>
/// A real child process in its own process group (started through setsid, so its pid is the group id),
/// its last output lines kept for failure messages. Signals go to the whole group; every group still
/// alive is killed when the test process exits, so nothing outlives a failed or aborted test.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    private const int TailLines = 200;
    private static readonly object LiveLock = new();
    private static readonly HashSet<ChildProcess> Live = [];

    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(string name, string executable, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(executable);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        lock (LiveLock)
        {
            process.Start();
            Live.Add(child);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines printed (stdout and stderr interleaved).</summary>
    public string[] Tail()
    {
        lock (_tail) return [.. _tail];
    }

    public bool Printed(string text) => Tail().Any(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>For failure messages: the process, its state and its last lines.</summary>
    public string Describe(int lines = 40) =>
        $"{Name} (pid {Pid}, {(HasExited ? $"exited with code {_process.ExitCode}" : "running")}), last output:\n  "
        + string.Join("\n  ", Tail().TakeLast(lines));

    /// <summary>Sends a signal to the process group (kill -SIG -pgid).</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited) SysKill(-_process.Id, signal);
    }

    /// <summary>Waits for the exit; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Signal(SigKill);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        lock (LiveLock) Live.Remove(this);
        _process.Dispose();
    }

    /// <summary>Kills every process group still alive at once (exit, or a second Ctrl-C).</summary>
    public static void KillAll()
    {
        ChildProcess[] live;
        lock (LiveLock) live = [.. Live];
        foreach (var child in live)
        {
            try { child.Signal(SigKill); } catch (InvalidOperationException) { }
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
