using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gearbox.Contracts.Cluster;
using Gearbox.Contracts.Serving;
using Gearbox.Data;

namespace Gearbox.Bench;

/// <summary>
/// --scale-out: for each silo count, a fresh cluster of real processes (redis-server, that many silos with
/// EMULATED devices, a client-mode gateway; <see cref="ProcessCluster"/>), the --rate sweep against the
/// gateway, the peak goodput at the SLO, and at the end each count's peak over the first's.
/// </summary>
public static class ScaleOutRuns
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions o, PipelineDefinition pipeline, GearboxPaths paths)
    {
        var (siloDll, gatewayDll) = ClusterLaunch.BuildsAbove(new DirectoryInfo(AppContext.BaseDirectory), "Release", "net10.0");
        var pipelinesFile = WritePipelinesFile(pipeline, o.SloMs, o.MinAccuracy ?? pipeline.MinAccuracy);
        var launch = new ClusterLaunch(siloDll, gatewayDll, paths.DataDirectory, "scale-out")
        {
            SiloSettings =
            [
                new("Gearbox:Devices:Emulate", o.EmulateDevices.ToString(Invariant)),
                new("Gearbox:Devices:EmulatedProfile", o.EmulatedProfile),
                new("Gearbox:Devices:Slowdown", o.Slowdown.ToString("0.###", Invariant)),
            ],
            CommonSettings = [new("Gearbox:PipelinesFile", pipelinesFile)],
        };
        var images = BenchImages.Load(paths, pipeline.InputSide, o.Images, o.SloMs);
        var loadAtStart = LoadAverageJson.Now();
        Console.WriteLine($"SCALE-OUT on EMULATED devices: {o.EmulateDevices} × emulated:{o.EmulatedProfile} ×{o.Slowdown.ToString("0.###", Invariant)} slower per silo; " +
                          $"silo counts {string.Join(", ", o.ScaleOut!)}; pipeline '{o.Pipeline}', plan for p99 ≤ {o.SloMs.ToString(Invariant)} ms, accuracy ≥ {(o.MinAccuracy ?? pipeline.MinAccuracy).ToString(Invariant)}");
        Console.WriteLine($"every process (redis, silos, gateway, this load generator) shares this host; load average {loadAtStart ?? "n/a"}");

        using var cancel = new CancellationTokenSource();
        var presses = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (Interlocked.Increment(ref presses) == 1)
            {
                e.Cancel = true;
                Console.Error.WriteLine("interrupted: stopping the run and its cluster (Ctrl-C again kills every process at once)");
                cancel.Cancel();
            }
            else ChildProcess.KillAll();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Console.Error.WriteLine("terminated (SIGTERM): stopping the run and its cluster");
            cancel.Cancel();
        });
        var results = new List<ScaleOutResult>();
        try
        {
            foreach (var silos in o.ScaleOut!)
            {
                if (cancel.IsCancellationRequested) break;
                results.Add(await MeasureAsync(silos, launch, o, images, cancel.Token));
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            TryDelete(pipelinesFile);
        }

        Console.WriteLine();
        Console.Write(Table(results, o.SloMs));
        if (o.JsonPath is { } json)
            BenchJson.Write(json, ScaleOutJson.From(o, results, new LoadAverageJson(loadAtStart, LoadAverageJson.Now()), DateTimeOffset.UtcNow));
        return cancel.IsCancellationRequested ? 130 : results.Any(r => r.Runs.Count == 0) ? 1 : 0;
    }

    /// <summary>Starts the cluster, waits for it to plan for all its devices, sweeps the rates and reads where the work ran; stops every process whatever happens.</summary>
    private static async Task<ScaleOutResult> MeasureAsync(int silos, ClusterLaunch launch, BenchOptions o, BenchImages images, CancellationToken cancel)
    {
        Console.WriteLine();
        Console.WriteLine($"== {silos} silo(s) × {o.EmulateDevices} EMULATED devices");
        var watch = Stopwatch.StartNew();
        ProcessCluster? cluster = null;
        var runs = new List<ScaleRateRun>();
        try
        {
            cluster = await ProcessCluster.StartAsync(launch, silos, TimeSpan.FromSeconds(o.StartTimeoutSeconds), cancel);
            var gateway = cluster.Http.BaseAddress!;
            Console.WriteLine($"   redis :{cluster.RedisPort}, silos {string.Join(", ", cluster.Silos.Select(s => $"{s.Process.Name} (pid {s.Process.Pid}, http :{s.Ports.Http})"))}, gateway {gateway} (pid {cluster.Gateway.Pid}); up after {watch.Elapsed.TotalSeconds:0.0} s");
            var budget = silos * o.EmulateDevices;
            using var readings = new ClusterReadings(gateway);
            var (ready, problem) = await WaitForPlanAsync(readings, gateway, o.Pipeline, silos, budget, TimeSpan.FromSeconds(o.GearWaitSeconds), cancel);
            if (ready is null) return ScaleOutResult.NotRun(silos, problem!);
            Console.WriteLine($"   {ready.Value.View.ServingKind}, device budget {ready.Value.View.DeviceBudget}, plan v{ready.Value.Plan.Version} for {ready.Value.PlanDevices} devices " +
                              $"(ceiling {F(ready.Value.Plan.Ceiling ?? double.NaN, 1)} req/s), gear {ready.Value.Gear} in force after {watch.Elapsed.TotalSeconds:0.0} s");

            var siloUris = cluster.Silos.Select(s => new Uri($"http://127.0.0.1:{s.Ports.Http}")).ToArray();
            using var control = new GearControl(gateway, o.Pipeline);
            using var run = new HttpLoadRun(gateway, o.Pipeline, images, TimeSpan.FromSeconds(o.TimeoutSeconds));
            await GatewayCheck.WarmUpAsync(run, o with { Target = gateway });
            string? cutShort = null;
            foreach (var rate in o.Rates)
            {
                if (cancel.IsCancellationRequested) { cutShort = "interrupted"; break; }
                if (ScaleOutRatio.TrailingMisses(runs) >= ScaleOutRatio.StopAfterMisses)
                {
                    Console.WriteLine($"   {ScaleOutRatio.StopAfterMisses} rates in a row missed the SLO: the rates above {runs[^1].Rate.ToString(Invariant)}/s are skipped");
                    break;
                }
                if (runs.Count > 0) await Task.Delay(TimeSpan.FromSeconds(2), cancel); // let the previous run's backlog clear
                var lateBefore = await ClusterReadings.LateBatchesAsync(siloUris, cancel);
                var schedule = PoissonSchedule.OffsetsMs(rate, o.DurationSeconds, o.MaxRequests, o.Seed);
                var result = await run.RunAsync(schedule, cancel);
                if (result.Outcomes.Length < schedule.Length) { cutShort = "interrupted"; break; }
                var lateAfter = await ClusterReadings.LateBatchesAsync(siloUris, cancel);
                var (state, _) = await control.GetStateAsync();
                var one = new ScaleRateRun(rate, HttpFigures.From(result, images, o.DurationSeconds, o.SloMs),
                    WindowFigures.From(result.Outcomes, images.Truths, o.DurationSeconds, o.SloMs), state?.GearIndex, lateAfter - lateBefore);
                runs.Add(one);
                Console.WriteLine(RateLine(one));
                if (cluster.Silos.Select(s => s.Process).FirstOrDefault(p => p.HasExited) is { } dead) { cutShort = $"{dead.Name} exited during the sweep"; break; }
            }
            if (runs.Count > 0) Report.Sweep(runs.Select(r => r.Http).ToList(), o.SloMs);
            var work = await WorkAsync(readings, o.Pipeline, cancel);
            foreach (var w in work)
                Console.WriteLine($"   {w.Name} ({w.Address}, {w.Status}, {w.EmulatedDevices} emulated devices): served {w.Served} items; workers {string.Join(", ", w.Workers)}");
            var warnings = cluster.Silos.SelectMany(s => SiloWarnings.From(s.Process.Name, s.Process.Tail())).ToArray();
            foreach (var w in warnings) Console.WriteLine($"   silo output: {w}");
            return new ScaleOutResult(silos, cutShort, ready.Value.View.DeviceBudget, ready.Value.View.ServingKind, ready.Value.PlanDevices, ready.Value.Plan.Ceiling, runs, work)
            {
                SiloWarnings = warnings,
            };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new ScaleOutResult(silos, "interrupted", null, null, null, null, runs, []);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or BenchUsageException or IOException or TimeoutException)
        {
            Console.WriteLine($"   failed: {e.Message}");
            return runs.Count == 0 ? ScaleOutResult.NotRun(silos, e.Message) : new ScaleOutResult(silos, e.Message, null, null, null, null, runs, []);
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
                Console.WriteLine($"   stopped every process of the {silos}-silo cluster (process groups killed)");
            }
        }
    }

    private readonly record struct ReadyCluster(ClusterView View, ServedPlan Plan, int PlanDevices, int Gear);

    /// <summary>
    /// Waits until /v1/cluster shows <paramref name="silos"/> active silos with a budget of all their emulated devices,
    /// and the planner's plan is made for that budget with a gear of it in force: otherwise the run would measure a
    /// plan made before every silo joined.
    /// </summary>
    private static async Task<(ReadyCluster? Ready, string? Problem)> WaitForPlanAsync(
        ClusterReadings readings, Uri gateway, string pipeline, int silos, int budget, TimeSpan timeout, CancellationToken cancel)
    {
        using var control = new GearControl(gateway, pipeline);
        var watch = Stopwatch.StartNew();
        var last = "nothing read yet";
        while (true)
        {
            var (view, problem) = await readings.ViewAsync(cancel);
            if (view is null) last = problem!;
            else
            {
                var active = view.Silos.Count(s => s.Status == "Active");
                if (active != silos) last = $"{active} active silo(s) of {silos}";
                else if (!view.ServingKind.StartsWith("emulated", StringComparison.Ordinal)) last = $"serving on '{view.ServingKind}', not emulated devices";
                else if (view.DeviceBudget != budget) last = $"device budget {view.DeviceBudget}, not {budget}";
                else
                {
                    try
                    {
                        var plan = await control.GetPlanAsync();
                        var devices = plan.Request is { } request ? ServedPlan.Int(request, "devices") : null;
                        var (state, stateProblem) = await control.GetStateAsync();
                        if (devices != budget) last = $"the plan in force (v{plan.Version}) is for {devices?.ToString(Invariant) ?? "?"} devices, not {budget}";
                        else if (state?.GearIndex is not { } gear || state.PlanVersion != plan.Version) last = $"no gear of plan v{plan.Version} in force yet ({stateProblem ?? $"gear {state?.GearIndex?.ToString(Invariant) ?? "none"} of v{state?.PlanVersion?.ToString(Invariant) ?? "?"}"})";
                        else return (new ReadyCluster(view, plan, budget, gear), null);
                    }
                    catch (GearControlException e)
                    {
                        last = e.Message;
                    }
                }
            }
            if (watch.Elapsed >= timeout)
            {
                var message = $"the {silos}-silo cluster was not ready to measure within {timeout.TotalSeconds:0} s (--gear-wait): {last}";
                Console.WriteLine($"   {message}");
                return (null, message);
            }
            await Task.Delay(500, cancel);
        }
    }

    private static async Task<SiloWork[]> WorkAsync(ClusterReadings readings, string pipeline, CancellationToken cancel)
    {
        var (view, _) = await readings.ViewAsync(cancel);
        if (view is null) return [];
        var served = await readings.ServedBySiloAsync(pipeline, cancel);
        return view.Silos.Select(s => new SiloWork(s.Address, s.Name, s.Status,
            s.Devices.Where(d => d.Emulated).Sum(d => d.Count), s.Workers, served.GetValueOrDefault(s.Address))).ToArray();
    }

    private static string RateLine(ScaleRateRun r)
    {
        var w = r.Window;
        return $"   {r.Rate.ToString(Invariant),7}/s: sent {w.Sent}, goodput {F(w.Goodput, 1)}/s, attainment {P(w.Attainment)}, p99 {F(w.OkLatency.P99, 0)} ms, " +
               $"drops {w.Drops}, errors {w.Errors}, no answer {w.NoAnswer}, gear {r.GearAfter?.ToString(Invariant) ?? "?"}, late batches {r.LateBatches?.ToString(Invariant) ?? "?"}, " +
               $"send lag p99 {F(w.SendLag.P99, 1)} ms{(w.GeneratorBehind ? " (GENERATOR BEHIND)" : "")}";
    }

    /// <summary>The summary: per silo count its peak, and its ratio to the first count's.</summary>
    public static string Table(IReadOnlyList<ScaleOutResult> results, double sloMs)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"SCALE-OUT (EMULATED devices; peak: highest served rate with ≥ {P(SweepPeak.MinAttainment)} answered 200 within {sloMs.ToString(Invariant)} ms)");
        text.AppendLine($"{"silos",6}{"devices",9}{"peak rate",11}{"goodput/s",11}{"attain.",9}{"p99 ms",9}{"noAnswer",10}{"drops",7}{"ratio",8}{"target",8}  where the work ran");
        foreach (var r in results)
        {
            var p = r.Peak;
            var ratio = results.Count > 0 && r != results[0] ? ScaleOutRatio.Of(r, results[0]) : double.NaN;
            var target = r != results[0] ? F(ScaleOutRatio.TargetFor(r.Silos, results[0].Silos)) : "";
            var where = string.Join(", ", r.Work.Select(w => $"{w.Name}: {w.Served}"));
            text.AppendLine($"{r.Silos,6}{r.DeviceBudget?.ToString(Invariant) ?? "?",9}{(p is null ? "none" : p.Rate.ToString(Invariant)),11}{F(r.PeakGoodput, 1),11}" +
                            $"{(p is null ? "n/a" : P(p.Window.Attainment)),9}{(p is null ? "n/a" : F(p.Window.OkLatency.P99, 0)),9}{(p is null ? "n/a" : p.Window.NoAnswer.ToString(Invariant)),10}" +
                            $"{(p is null ? "n/a" : p.Window.Drops.ToString(Invariant)),7}{(r == results[0] ? "" : F(ratio)),8}{target,8}  {where}");
            if (r.IdleSilos.Length > 0) text.AppendLine($"{"",6}  WARNING: {string.Join(", ", r.IdleSilos)} served nothing: this row's goodput did not come from all {r.Silos} silos' devices");
            if (r.SiloWarnings.Count > 0) text.AppendLine($"{"",6}  silo output: {r.SiloWarnings.Count} line(s) saying '{SiloWarnings.MetadataFetchFailed}' (placement could not see that silo's devices)");
            if (r.Problem is not null) text.AppendLine($"{"",6}  note: {r.Problem}");
            else if (r.Runs.Count > 0 && !r.Saturated) text.AppendLine($"{"",6}  note: every rate held the SLO: the peak is a lower bound (sweep higher rates)");
        }
        return text.ToString();
    }

    /// <summary>The pipeline declared alone, its default plan made for --slo and the accuracy floor: the silos plan from this file.</summary>
    private static string WritePipelinesFile(PipelineDefinition pipeline, double sloMs, double minAccuracy)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gearbox-scale-out-{Environment.ProcessId}.pipelines.json");
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
        File.WriteAllText(path, JsonSerializer.Serialize(new { pipelines = new[] { pipeline with { DefaultSloMs = sloMs, MinAccuracy = minAccuracy } } }, options));
        return path;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }

    private static string F(double value, int decimals = 2) => double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals, Invariant);

    private static string P(double fraction) => double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("F1", Invariant) + "%";
}
