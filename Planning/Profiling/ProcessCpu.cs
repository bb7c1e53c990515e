using System.Globalization;
using System.Runtime.InteropServices;

namespace Gearbox.Profiling;

/// <summary>One thread of a process: its id, its name (<c>/proc/&lt;pid&gt;/task/&lt;tid&gt;/comm</c>) and the CPU it has used so far.</summary>
public readonly record struct ThreadCpu(int Id, string Name, double CpuMs);

/// <summary>A process's CPU at one moment: the whole process (exited threads included) and each live thread.</summary>
public sealed record CpuSnapshot(double ProcessCpuMs, IReadOnlyList<ThreadCpu> Threads)
{
    /// <summary>CPU of the live threads whose name starts with <paramref name="prefix"/>, by thread id.</summary>
    public Dictionary<int, double> ThreadsNamed(string prefix) =>
        Threads.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(t => t.Id, t => t.CpuMs);
}

/// <summary>
/// Reads a Linux process's CPU time from procfs: utime + stime of <c>/proc/&lt;pid&gt;/stat</c> (the
/// whole thread group, threads that have exited included) and of every <c>/proc/&lt;pid&gt;/task/*/stat</c>,
/// with the thread names from <c>task/*/comm</c>. Clock ticks are converted with sysconf(_SC_CLK_TCK).
/// </summary>
public static class ProcessCpu
{
    private const int ScClkTck = 2; // _SC_CLK_TCK on Linux
    private static readonly Lazy<double> MsPerTick = new(() =>
    {
        var ticks = sysconf(ScClkTck);
        if (ticks <= 0) throw new PlatformNotSupportedException("sysconf(_SC_CLK_TCK) failed; per-thread CPU needs Linux procfs.");
        return 1000.0 / ticks;
    });

    public static bool IsSupported => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/task");

    public static CpuSnapshot Read(int pid)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("Per-thread CPU is read from Linux procfs (/proc/<pid>/task), which this system does not have.");
        var process = StatCpuMs(File.ReadAllText($"/proc/{pid}/stat"));
        var threads = new List<ThreadCpu>();
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var id = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                var name = File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n');
                threads.Add(new ThreadCpu(id, name, StatCpuMs(File.ReadAllText(Path.Combine(dir, "stat")))));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited between listing and reading: its time is in the process total.
            }
        }
        return new CpuSnapshot(process, threads);
    }

    /// <summary>utime + stime (fields 14 and 15) of a stat line, in ms. The name field may hold spaces and parentheses, so fields are counted after the last ')'.</summary>
    public static double StatCpuMs(string stat) => StatTicks(stat) * MsPerTick.Value;

    public static long StatTicks(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0) throw new InvalidDataException($"Not a /proc stat line: '{stat}'.");
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long sysconf(int name);
}
