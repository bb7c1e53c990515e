using System.Diagnostics;
using System.Text.Json;
using Gearbox.Bench;
using Gearbox.Serving;

namespace Gearbox.Tests.Bench;

/// <summary>
/// --compare against real server processes: a 10-second trace on a server started for each control mode.
/// The gateway build comes from GEARBOX_SERVER_DLL or this checkout's Gateway/bin/Release (./gearbox test
/// builds it); a mode the build does not know must come back as unsupported, not crash the bench.
/// </summary>
public class TraceCompareEndToEndTests
{
    /// <summary>
    /// A data folder the servers can run from on any machine: the quickly trained test models and their
    /// profiles (CI trains no full models) beside a link to the dataset the bench takes its images from.
    /// </summary>
    private static GearboxPaths ServedData()
    {
        var models = Serving.ServingModels.Instance.Paths;
        var dataset = GearboxPaths.Default().DatasetFile;
        Assert.True(File.Exists(dataset), $"No dataset at {dataset}: run './gearbox setup'.");
        var paths = new GearboxPaths(Foundation.SyntheticData.TempDirectory());
        File.CreateSymbolicLink(paths.DatasetFile, dataset);
        foreach (var (from, to) in new[] { (models.ModelsDirectory, paths.ModelsDirectory), (models.ProfilesDirectory, paths.ProfilesDirectory) })
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        return paths;
    }

    [Fact]
    public async Task Compare_starts_a_server_per_mode_runs_the_trace_and_leaves_none_running()
    {
        var dll = Environment.GetEnvironmentVariable("GEARBOX_SERVER_DLL") is { Length: > 0 } given ? given : TraceRuns.DefaultServerDll();
        Assert.True(File.Exists(dll), $"No server build at {dll}: run 'dotnet build Silo -c Release' or set GEARBOX_SERVER_DLL.");
        var paths = ServedData();
        var dir = Directory.CreateTempSubdirectory("gearbox-trace-");
        try
        {
            var csv = Path.Combine(dir.FullName, "ten.csv");
            File.WriteAllText(csv, "second,rate\n" + string.Join("\n", Enumerable.Range(0, 10).Select(s => $"{s},{(s is >= 4 and < 7 ? 60 : 20)}")) + "\n");
            var json = Path.Combine(dir.FullName, "compare.json");
            var svg = Path.Combine(dir.FullName, "compare.svg");
            var options = BenchOptions.Parse(["--trace", csv, "--compare", "gears,static,reactive,switching", "--server", dll,
                "--gear-wait", "10", "--start-timeout", "120", "--images", "200", "--json", json, "--svg", svg]);
            var started = ServerProcess.StartedPids.Count;

            var code = await TraceRuns.RunAsync(options, PipelineCatalog.Load().Get("fashion"), paths);

            Assert.Equal(0, code);
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var systems = document.RootElement.GetProperty("systems").EnumerateArray().ToArray();
            Assert.Equal(["gears", "static", "reactive", "switching"], systems.Select(s => s.GetProperty("name").GetString()));
            foreach (var s in systems)
            {
                var status = s.GetProperty("status").GetString();
                Assert.True(status is "ran" or "unsupported", $"{s.GetProperty("name")}: {status} ({s.GetProperty("problem")})");
                if (status == "unsupported") Assert.Contains("Gearbox:Control:Mode", s.GetProperty("problem").GetString());
                else
                {
                    Assert.InRange(s.GetProperty("sent").GetInt32(), 200, 400); // 320 expected
                    Assert.True(s.GetProperty("ok").GetInt32() > 0);
                }
            }
            Assert.Equal("ran", systems[0].GetProperty("status").GetString()); // gears (or its older name, auto) is what every build serves
            Assert.Contains("<svg", File.ReadAllText(svg));

            // Every server started was stopped and reaped.
            Assert.Equal(0, ServerProcess.LiveCount);
            var pids = ServerProcess.StartedPids.Skip(started).ToArray();
            Assert.True(pids.Length >= 4, $"expected a server started per mode, got {pids.Length}");
            Assert.All(pids, pid => Assert.False(IsRunning(pid), $"server {pid} is still running"));
        }
        finally
        {
            ServerProcess.KillAll();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_mode_the_server_refuses_is_reported_as_unsupported()
    {
        var dll = Environment.GetEnvironmentVariable("GEARBOX_SERVER_DLL") is { Length: > 0 } given ? given : TraceRuns.DefaultServerDll();
        Assert.True(File.Exists(dll), $"No server build at {dll}: run 'dotnet build Silo -c Release' or set GEARBOX_SERVER_DLL.");
        var paths = ServedData();
        var trace = LoadTraces.ParseCsv("0,5\n1,5\n", "two.csv");
        var schedule = LoadPhases.Schedule(trace.ToPhases(), 1000, 1);
        var options = BenchOptions.Parse(["--trace", "two.csv", "--compare", "gears", "--server", dll, "--start-timeout", "120"]);
        var images = BenchImages.Load(paths, 28, 10, 50);
        var started = ServerProcess.StartedPids.Count;

        var result = await TraceRuns.CompareOneAsync("no-such-mode", new ServerLaunch(dll, "", null, paths.DataDirectory), options, trace, schedule, images, 50,
            CancellationToken.None);

        Assert.True(result.Status == SystemStatus.Unsupported, $"{result.Status}: {result.Problem}");
        Assert.Contains("Gearbox:Control:Mode", result.Problem);
        Assert.Contains("no-such-mode", result.Problem);
        Assert.Null(result.Figures);
        Assert.All(ServerProcess.StartedPids.Skip(started), pid => Assert.False(IsRunning(pid), $"server {pid} is still running"));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
