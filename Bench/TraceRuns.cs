using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gearbox.Contracts.Serving;
using Gearbox.Data;

namespace Gearbox.Bench;

/// <summary>
/// --trace: one open-loop run of a load trace (1-second phases, Poisson within each second) against the
/// gateway at --target, or with --compare against a server the bench starts itself for each control mode
/// in turn (same binary, same trace, same seed), then one table comparing them, --json and --svg.
/// </summary>
public static class TraceRuns
{
    public static readonly string[] KnownModes = ["gears", "static", "reactive", "switching"];

    /// <summary>Modes tried in order: a server that predates the name "gears" calls the same thing "auto".</summary>
    public static string[] ServerModesFor(string system) => system == VsGears.Reference ? ["gears", "auto"] : [system];

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions o, PipelineDefinition pipeline, GearboxPaths paths)
    {
        var trace = LoadTraces.Resolve(o.Trace!, o.TraceSeconds, o.TracePeak, o.Seed); // a bad trace fails before anything starts
        var schedule = LoadPhases.Schedule(trace.ToPhases(), o.MaxRequests, o.Seed);
        var sloMs = o.SloGiven ? o.SloMs : pipeline.DefaultSloMs;
        string? dll = null;
        if (o.Compare is not null)
        {
            dll = o.ServerDll ?? DefaultServerDll();
            if (!File.Exists(dll))
                throw new BenchUsageException($"No server build at {dll}: run 'dotnet build Silo -c Release', or pass --server PATH/Gearbox.Silo.dll.");
        }
        Console.WriteLine($"{trace}; {schedule.OffsetsMs.Length} requests (seed {o.Seed}){(schedule.Capped ? $", cut at --max-requests {o.MaxRequests}" : "")}");
        var images = BenchImages.Load(paths, pipeline.InputSide, o.Images, sloMs);
        Console.WriteLine($"{images.Count} test images ({images.Side}x{images.Side}) from {paths.DatasetFile}; slo_ms {CompareTable.F(sloMs, 1)} from {(o.SloGiven ? "--slo" : $"the pipeline's declared SLO")}");

        using var cancel = new CancellationTokenSource();
        var presses = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (Interlocked.Increment(ref presses) == 1)
            {
                e.Cancel = true;
                Console.Error.WriteLine($"interrupted (at {DateTimeOffset.UtcNow:HH:mm:ss}): stopping the run and its server (Ctrl-C again kills the server at once)");
                cancel.Cancel();
            }
            else ServerProcess.KillAll();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Console.Error.WriteLine($"terminated (SIGTERM at {DateTimeOffset.UtcNow:HH:mm:ss}): stopping the run and its server");
            cancel.Cancel();
        });
        var systems = new List<SystemResult>();
        try
        {
            if (o.Compare is null)
            {
                systems.Add(await MeasureAsync("target", null, o.Target, o, trace, schedule, images, sloMs, cancel.Token));
            }
            else
            {
                var launchBase = new ServerLaunch(dll!, "", null, paths.DataDirectory) { Settings = o.ServerSettings };
                foreach (var system in o.Compare)
                {
                    if (cancel.IsCancellationRequested) break;
                    systems.Add(await CompareOneAsync(system, launchBase, o, trace, schedule, images, sloMs, cancel.Token));
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        Console.WriteLine();
        Console.Write(CompareTable.Format(trace, sloMs, systems));
        if (o.JsonPath is { } json)
            BenchJson.Write(json, TraceCompareJson.From(trace, o.Pipeline, sloMs, o.Seed, systems, DateTimeOffset.UtcNow));
        if (o.SvgPath is { } svg) TraceChart.Write(svg, trace, sloMs, systems);
        return cancel.IsCancellationRequested ? 130 : 0;
    }

    /// <summary>The server (silo + gateway API) built beside this bench's checkout: Silo/bin/Release/net10.0/Gearbox.Silo.dll.</summary>
    public static string DefaultServerDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
                return Path.Combine(dir.FullName, "Silo", "bin", "Release", "net10.0", "Gearbox.Silo.dll");
        }
        return Path.GetFullPath(Path.Combine("Silo", "bin", "Release", "net10.0", "Gearbox.Silo.dll"));
    }

    /// <summary>Starts a server in this mode (gears falls back to the older name auto), runs the trace on it and stops it, whatever happens.</summary>
    public static async Task<SystemResult> CompareOneAsync(string system, ServerLaunch launchBase, BenchOptions o, LoadTrace trace, PhasedSchedule schedule,
        BenchImages images, double sloMs, CancellationToken cancel)
    {
        var rejections = new List<string>();
        foreach (var mode in ServerModesFor(system))
        {
            if (cancel.IsCancellationRequested) break;
            var launch = launchBase with { Mode = mode, PeakLoad = system == "static" ? Math.Round(trace.PeakRate, 3) : null };
            Console.WriteLine();
            Console.WriteLine($"== {system}{(mode != system ? $" (as mode '{mode}')" : "")}");
            var server = ServerProcess.Start(launch);
            try
            {
                Console.WriteLine($"   started {server.CommandLine} (pid {server.Pid}) on {server.BaseUri}");
                var watch = Stopwatch.StartNew();
                var (status, problem) = await server.WaitReadyAsync(TimeSpan.FromSeconds(o.StartTimeoutSeconds), cancel);
                for (var retry = 1; status == StartStatus.Failed && server.HasExited && server.LostAPort && retry <= 3; retry++)
                {
                    // A port found free was taken before the server bound it (the machine is busy): new ports, same mode.
                    Console.WriteLine($"   a port was taken before the server bound it; starting again on new ports ({retry} of 3)");
                    await server.DisposeAsync();
                    server = ServerProcess.Start(launch);
                    Console.WriteLine($"   started {server.CommandLine} (pid {server.Pid}) on {server.BaseUri}");
                    (status, problem) = await server.WaitReadyAsync(TimeSpan.FromSeconds(o.StartTimeoutSeconds), cancel);
                }
                if (status == StartStatus.Unsupported)
                {
                    Console.WriteLine($"   the server refused mode '{mode}': {problem}");
                    rejections.Add($"mode '{mode}': {problem}");
                    continue;
                }
                if (status == StartStatus.Failed)
                {
                    Console.WriteLine($"   {problem}");
                    return SystemResult.NotRun(system, SystemStatus.Failed, problem ?? "did not start");
                }
                Console.WriteLine($"   ready after {watch.Elapsed.TotalSeconds:0.0} s");
                var policy = await WaitForGearAsync(server.BaseUri, o.Pipeline, TimeSpan.FromSeconds(o.GearWaitSeconds), cancel);
                if (policy is not null && !string.Equals(policy, system, StringComparison.OrdinalIgnoreCase))
                    Console.WriteLine($"   warning: the server reports policy '{policy}', not '{system}': this row measures '{policy}'");
                var result = await MeasureAsync(system, mode, server.BaseUri, o, trace, schedule, images, sloMs, cancel);
                if (server.HasExited) result = result with { Problem = (result.Problem is null ? "" : result.Problem + "; ") + "the server exited during the run" };
                return result;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return SystemResult.NotRun(system, SystemStatus.Interrupted, "interrupted before the trace ran");
            }
            catch (Exception e) when (e is HttpRequestException or BenchUsageException or IOException or InvalidOperationException or TimeoutException)
            {
                Console.WriteLine($"   failed: {e.Message}");
                foreach (var line in server.OutputTail().TakeLast(10)) Console.WriteLine($"   | {line}");
                return SystemResult.NotRun(system, SystemStatus.Failed, e.Message);
            }
            finally
            {
                Console.WriteLine($"   server {server.Pid}: {await server.StopAsync(TimeSpan.FromSeconds(o.StopGraceSeconds))}");
                await server.DisposeAsync();
            }
        }
        return cancel.IsCancellationRequested
            ? SystemResult.NotRun(system, SystemStatus.Interrupted, "interrupted before the trace ran")
            : SystemResult.NotRun(system, SystemStatus.Unsupported, string.Join("; ", rejections));
    }

    /// <summary>
    /// Waits until GET /gear shows a gear in force; a gateway without the endpoint, or none in time, is
    /// said and the run goes on. Returns the control policy the gateway reports (null when it does not say).
    /// </summary>
    private static async Task<string?> WaitForGearAsync(Uri target, string pipeline, TimeSpan timeout, CancellationToken cancel)
    {
        using var control = new GearControl(target, pipeline);
        var watch = Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            var (state, problem) = await control.GetStateAsync();
            if (state?.GearIndex is { } gear)
            {
                Console.WriteLine($"   gear in force: {gear} (mode {state.Mode ?? "n/a"}, policy {state.Policy ?? "n/a"}, devices {CompareTable.F(state.Devices, 1)}) after {watch.Elapsed.TotalSeconds:0.0} s");
                return state.Policy;
            }
            if (problem is not null && problem.Contains(GearControl.NoAutoSwitching, StringComparison.Ordinal))
            {
                Console.WriteLine($"   no gear to wait for: {problem}");
                return null;
            }
            last = problem ?? $"mode {state?.Mode ?? "n/a"}, no gear yet";
            if (watch.Elapsed >= timeout)
            {
                Console.WriteLine($"   warning: no gear in force after {timeout.TotalSeconds:0} s ({last}); measuring the server as it serves");
                return state?.Policy;
            }
            await Task.Delay(500, cancel);
        }
    }

    /// <summary>Warms the gateway up, runs the schedule while sampling GET /gear every second, and collects the figures.</summary>
    public static async Task<SystemResult> MeasureAsync(string name, string? serverMode, Uri target, BenchOptions o, LoadTrace trace, PhasedSchedule schedule,
        BenchImages images, double sloMs, CancellationToken cancel)
    {
        using var control = new GearControl(target, o.Pipeline);
        using var run = new HttpLoadRun(target, o.Pipeline, images, TimeSpan.FromSeconds(o.TimeoutSeconds));
        await GatewayCheck.WarmUpAsync(run, o with { Target = target });
        var (before, _) = await control.GetStateAsync();
        Console.WriteLine($"   running the trace: {schedule.OffsetsMs.Length} requests over {trace.Seconds} s ...");
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var stopSampling = new CancellationTokenSource();
        var sampler = SampleAsync(control, clock, stopSampling.Token);
        var result = await run.RunAsync(schedule.OffsetsMs, cancel);
        await stopSampling.CancelAsync();
        var samples = await sampler;
        var endedAt = DateTimeOffset.UtcNow;
        var (after, _) = await control.GetStateAsync();
        var (history, historyProblem) = await control.GetHistoryAsync();

        var interrupted = result.Outcomes.Length < schedule.OffsetsMs.Length;
        var window = interrupted ? Math.Max(0.001, result.ScheduledSeconds) : trace.Seconds;
        var figures = WindowFigures.From(result.Outcomes, images.Truths, window, sloMs);
        var deviceSeconds = after?.DeviceSeconds is { } end && before?.DeviceSeconds is { } begin ? end - begin : (double?)null;
        // Only switches made after the trace started: a server's first gear, applied during the warm-up, is not one.
        var switches = history is null ? (int?)null : GearSwitch.During(history, startedAt, endedAt).Count(s => s.At >= startedAt);
        var (p99, sent) = PerSecond(result.Outcomes, schedule.Phase, trace.Seconds);
        Console.WriteLine($"   sent {figures.Sent}, 200s {figures.Ok}, attainment {CompareTable.P(figures.Attainment)}, p99 {CompareTable.F(figures.OkLatency.P99)} ms, " +
                          $"device-s {CompareTable.F(deviceSeconds, 1)}, switches {(switches?.ToString(Invariant) ?? $"n/a ({historyProblem})")}");
        return new SystemResult(name, interrupted ? SystemStatus.Interrupted : SystemStatus.Ran, null, serverMode ?? before?.Mode, figures,
            deviceSeconds, switches, p99, sent, samples)
        {
            Bursts = BurstFigures.From(result.Outcomes, schedule.Phase, trace.Bursts, sloMs),
            DeviceKind = before?.DeviceKind,
        };
    }

    /// <summary>The p99 of each second's 200s (by the second they were sent in; NaN for a second with none) and each second's requests sent.</summary>
    public static (double[] P99, int[] Sent) PerSecond(IReadOnlyList<RequestOutcome> outcomes, IReadOnlyList<int> secondOf, int seconds)
    {
        var latencies = Enumerable.Range(0, seconds).Select(_ => new List<double>()).ToArray();
        var sent = new int[seconds];
        for (var k = 0; k < outcomes.Count && k < secondOf.Count; k++)
        {
            var s = secondOf[k];
            if (s < 0 || s >= seconds) continue;
            sent[s]++;
            if (outcomes[k].IsOk) latencies[s].Add(outcomes[k].LatencyMs);
        }
        return (latencies.Select(l => new LatencyStats(l).P99).ToArray(), sent);
    }

    private static async Task<GearSample[]> SampleAsync(GearControl control, Stopwatch clock, CancellationToken stop)
    {
        var samples = new List<GearSample>();
        var next = 0.0;
        while (!stop.IsCancellationRequested)
        {
            var at = clock.Elapsed.TotalSeconds;
            var (state, _) = await control.GetStateAsync();
            samples.Add(new GearSample(Math.Round(at, 3), state?.GearIndex, state?.Devices, state?.DeviceSeconds));
            next += 1;
            var wait = next - clock.Elapsed.TotalSeconds;
            if (wait <= 0) continue;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return [.. samples];
    }
}
