using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gearbox.Bench;
using Gearbox.Contracts.Profiles;
using Gearbox.Contracts.Serving;
using Gearbox.Inference;
using Gearbox.Profiling;
using Gearbox.Serving;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>profile-serving [--missing] [--pipelines mlp,fashion,fashion-grid] [--rates 150,400] [--requests N]
/// [--idle-seconds S] [--gateway PATH]</c>: measures what the serving path costs on the real served path.
/// Starts the server (Gearbox.Silo.dll: a silo and the gateway API in one process) as a child process on free ports, drives open-loop Poisson load at
/// each rate on each pipeline (requests built like the bench's), and reads the server's CPU from procfs:
/// the whole process minus its engine threads (named <see cref="InferenceEngine.ThreadNamePrefix"/>*) minus
/// its idle CPU is the serving path's. A least-squares fit over the runs splits it into CPU per request and
/// per item routed to a worker; the low-load latency of a model served alone, minus its profiled batch-of-1
/// time, is the latency the path adds. Writes <c>profiles/serving.json</c>.
/// </summary>
public static class ProfileServingCommand
{
    public static int Run(CliArgs args, GearboxPaths paths) => RunAsync(args, paths).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(CliArgs args, GearboxPaths paths)
    {
        var file = new ServingCostFile(paths.ProfilesDirectory);
        if (args.Flag("missing") && Current(file) is { } current)
        {
            Console.WriteLine($"serving cost: {file.Path} measured {current.MeasuredAt:yyyy-MM-dd HH:mm} UTC ({current.CpuMsPerRequest:0.###} ms CPU/request); keeping it.");
            return 0;
        }
        if (!ProcessCpu.IsSupported)
            throw new UsageException("profile-serving reads the server's per-thread CPU from Linux procfs (/proc/<pid>/task), which this system does not have.");

        var catalog = PipelineCatalog.Load();
        var pipelines = (args.String("pipelines") ?? "mlp,fashion,fashion-grid").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(catalog.Get).ToArray();
        var rates = Numbers(args.String("rates") ?? "150,400", "rates", 1, 20_000);
        var requests = args.Int("requests", 2000, min: 100, max: 1_000_000);
        var idleSeconds = args.Double("idle-seconds", 3, min: 1, max: 60);
        const double sloMs = 1000; // generous: this measures cost, so nothing should be dropped
        var reference = pipelines.FirstOrDefault(p => p.Stages is [{ Models: [_] }])
            ?? throw new UsageException("--pipelines must include a model served alone (e.g. mlp): its low-load latency gives the serving path's added latency.");
        var profiles = new ProfileFile(paths.ProfilesDirectory);
        var referenceProfile = profiles.Load(reference.Stages[0].Models[0]);
        var gatewayDll = args.String("gateway") ?? FindGateway();
        var loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

        Console.WriteLine($"Measuring the serving path: gateway {gatewayDll}, pipelines {string.Join(", ", pipelines.Select(p => p.Name))}, " +
                          $"rates {string.Join(", ", rates)}/s, {requests} requests each; load average {loadAverage} on {Environment.ProcessorCount} cores.");
        using var gateway = GatewayChild.Start(gatewayDll, paths);
        Console.WriteLine($"  gateway pid {gateway.Pid} on {gateway.BaseUri}; waiting for /v2/health/ready ...");
        await gateway.WaitReadyAsync(TimeSpan.FromSeconds(240));

        using var http = new HttpClient { BaseAddress = gateway.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var loads = new Dictionary<string, (BenchImages Images, HttpLoadRun Run)>();
        try
        {
            foreach (var p in pipelines)
            {
                var images = BenchImages.Load(paths, p.InputSide, 1000, sloMs);
                var run = new HttpLoadRun(gateway.BaseUri, p.Name, images, TimeSpan.FromSeconds(30));
                loads[p.Name] = (images, run);
                var warm = await run.WarmUpAsync(100);
                var ok = warm.Count(o => o.IsOk);
                if (ok < 75) throw new InvalidDataException($"The gateway answered only {ok} of 100 warm-up requests to '{p.Name}' with 200: {gateway.Tail()}");
                // Open-loop warm-up at every rate, so the JIT has compiled the loaded path before anything is measured.
                foreach (var rate in rates) await run.RunAsync(PoissonSchedule.OffsetsMs(rate, 2, 100_000, seed: 9));
                Console.WriteLine($"  {p.Name}: warm-up, 100 sequential requests ({ok} answered 200) and 2 s at each rate (not counted)");
            }
            await WaitForJitAsync(gateway.Pid);

            var engines = ProcessCpu.Read(gateway.Pid).ThreadsNamed(InferenceEngine.ThreadNamePrefix);
            if (engines.Count == 0)
                throw new InvalidDataException(
                    $"No engine threads (named '{InferenceEngine.ThreadNamePrefix}*') found in the gateway process {gateway.Pid} after warm-up; threads seen: " +
                    string.Join(", ", ProcessCpu.Read(gateway.Pid).Threads.Select(t => t.Name).Distinct().Order()) +
                    ". Without them the engines' CPU cannot be told from the serving path's.");
            Console.WriteLine($"  {engines.Count} engine threads found ({InferenceEngine.ThreadNamePrefix}*)");

            await Task.Delay(TimeSpan.FromSeconds(1));
            var idle = await MeasureAsync(gateway.Pid, () => Task.Delay(TimeSpan.FromSeconds(idleSeconds)));
            var idleRate = idle.OverheadMs / idle.Seconds;
            Console.WriteLine($"  idle: {idleRate:0.0} ms CPU/s outside the engines and the JIT (subtracted from every run); top threads: {idle.TopThreads}");

            var runs = new List<ServingRun>();
            var jitMs = 0.0;
            var engineBeyondMs = 0.0;
            var latencies = new Dictionary<(string, double), LatencyStats>();
            foreach (var p in pipelines)
            {
                var (_, run) = loads[p.Name];
                foreach (var rate in rates)
                {
                    var workersBefore = await WorkersAsync(http, p.Name);
                    var schedule = PoissonSchedule.OffsetsMs(rate, requests / rate, requests, seed: 5);
                    HttpRunResult? result = null;
                    var m = await MeasureAsync(gateway.Pid, async () => result = await run.RunAsync(schedule));
                    var workers = await WorkersAsync(http, p.Name) - workersBefore;
                    var items = workers.Items;
                    var outcomes = result!.Outcomes;
                    var okLatency = new LatencyStats(outcomes.Where(o => o.IsOk).Select(o => o.LatencyMs));
                    latencies[(p.Name, rate)] = okLatency;
                    var overhead = m.OverheadMs - idleRate * m.Seconds;
                    var served = new ServingRun(p.Name, rate, outcomes.Length, outcomes.Count(o => o.IsOk), items, result.WallSeconds,
                        overhead, m.EngineMs, m.ClientMs, okLatency.P50, okLatency.P99, workers.ForwardMs, workers.Batches);
                    runs.Add(served);
                    jitMs += m.JitMs;
                    Console.WriteLine($"  {p.Name,-13} {rate,6}/s: {served.Requests} sent, {served.Ok} ok, {items} worker items; server CPU outside engines " +
                                      $"{overhead / served.Requests:0.###} ms/request, engines {m.EngineMs / Math.Max(1, items):0.###} ms/item, client {m.ClientMs / served.Requests:0.###} ms/request; " +
                                      $"p50 {okLatency.P50:0.00} ms, p99 {okLatency.P99:0.00} ms");
                    Console.WriteLine($"    server threads (ms CPU): {m.TopThreads}" + (m.JitMs > 0 ? $"; JIT {m.JitMs:0} ms left out" : ""));
                    // Engine CPU beyond what the profiles say the batches take: per model, its engine thread's CPU minus batches × l(mean batch).
                    var beyond = 0.0;
                    var parts = new List<string>();
                    foreach (var (model, counters) in workers.PerModel)
                    {
                        if (counters.Batches == 0) continue;
                        var cpu = m.EngineByName.GetValueOrDefault(InferenceEngine.ThreadNamePrefix + model);
                        var profiled = counters.Batches * profiles.Load(model).LatencyMs((int)Math.Round(counters.Items / (double)counters.Batches));
                        beyond += cpu - profiled;
                        parts.Add($"{model} {cpu:0}/{profiled:0} ms over {counters.Batches} batches");
                    }
                    engineBeyondMs += beyond;
                    Console.WriteLine($"    engine threads, CPU / profiled forward time: {string.Join(", ", parts)} ({beyond / Math.Max(1, workers.Batches):0.###} ms per batch beyond the profile)");
                    if (!Held(served))
                        Console.WriteLine($"    warning: only {served.Ok} of {served.Requests} answered 200: this rate is beyond what the machine holds now; the run is left out of the fit.");
                    if (m.LostEngineThreads > 0)
                        Console.WriteLine($"    warning: {m.LostEngineThreads} engine thread(s) exited during the run; their CPU counts as serving path (over-estimate).");
                }
            }

            var held = runs.Where(Held).ToList();
            if (held.Count == 0) throw new InvalidDataException("No run was served in full (95% answered 200); lower --rates.");
            var fit = ServingCostFit.Fit(held);
            var engineMsPerBatch = Math.Max(0, engineBeyondMs / Math.Max(1, runs.Sum(r => (double)r.Batches)));
            var low = latencies[(reference.Name, rates.Min())];
            var modelMs = referenceProfile.LatencyMs(1);
            var totalRequests = runs.Sum(r => (double)r.Requests);
            var cost = new ServingCost(
                fit.CpuMsPerRequest, fit.CpuMsPerItem,
                Math.Max(0, low.P50 - modelMs), Math.Max(0, low.P99 - modelMs),
                runs.Sum(r => r.ClientCpuMs) / totalRequests,
                runs.Sum(r => r.EngineCpuMs) / Math.Max(1, runs.Sum(r => (double)r.Items)),
                idleRate, Environment.ProcessorCount, DateTimeOffset.UtcNow,
                $"gearbox-cli profile-serving: the server ({Path.GetFileName(gatewayDll)}: silo and gateway in one process, default settings) as a child process; " +
                $"open-loop Poisson load from this process (HttpLoadRun, slo_ms {sloMs}) on {string.Join(", ", pipelines.Select(p => p.Name))} at " +
                $"{string.Join(", ", rates)}/s, {requests} requests per run; server CPU = /proc/<pid>/stat utime+stime minus the engine threads' " +
                $"({InferenceEngine.ThreadNamePrefix}*, /proc/<pid>/task/*/stat) minus the runtime's tiered-JIT thread ({JitThreadPrefix}*; {jitMs:0} ms in the runs, a start-up transient) " +
                $"minus idle CPU ({idleRate:0.0} ms/s); CPU split: {fit.How}; runs served under 95% left out ({runs.Count - held.Count}); " +
                $"engine CPU per batch beyond the profiles: each engine thread's CPU minus its batches × the profiled l(mean batch), workers' counters from GET /v1/pipelines/{{name}}, over all runs; " +
                $"added latency: '{reference.Name}' at {rates.Min()}/s, p50 (and p99) minus its profiled batch-of-1 median {modelMs:0.###} ms; " +
                $"load average {loadAverage} at the start, {Environment.ProcessorCount} cores shared with the load generator.",
                runs, jitMs, fit.CpuMsPerSecond, engineMsPerBatch);
            file.Save(cost);
            Console.WriteLine();
            Console.WriteLine($"serving path: {cost.CpuMsPerSecond:0.#} ms CPU per second under traffic + {cost.CpuMsPerRequest:0.###} ms per request + {cost.CpuMsPerItem:0.###} ms per item routed to a worker");
            Console.WriteLine($"  ({fit.How})");
            Console.WriteLine($"engine threads: {engineMsPerBatch:0.###} ms CPU per batch beyond the profiled l(b) (waking, tensors, decoding, a cold cache)");
            foreach (var r in held)
            {
                var predicted = cost.CpuMsPerSecond * r.WallSeconds + cost.CpuMsPerRequest * r.Requests + cost.CpuMsPerItem * r.Items;
                Console.WriteLine($"  {r.Pipeline,-13} {r.OfferedRate,6}/s: measured {r.OverheadCpuMs / r.Requests:0.###} ms/request, fit {predicted / r.Requests:0.###}");
            }
            Console.WriteLine($"  adds {cost.AddedLatencyMs:0.##} ms (p50, on the plan's p99 path) / {cost.AddedLatencyP99Ms:0.##} ms (p99) at low load; load generator {cost.ClientCpuMsPerRequest:0.###} ms CPU per request; " +
                              $"engines {cost.EngineCpuMsPerItem:0.###} ms CPU per item");
            Console.WriteLine($"  saved {file.Path}");
            return 0;
        }
        finally
        {
            foreach (var (_, run) in loads.Values) run.Dispose();
        }
    }

    /// <summary>The runtime's background tiered-compilation thread (Linux shows 15 characters of ".NET Tiered Compilation Worker").</summary>
    private const string JitThreadPrefix = ".NET Tiered";

    private sealed record Measured(double Seconds, double OverheadMs, double EngineMs, double JitMs, double ClientMs, int LostEngineThreads, string TopThreads,
        Dictionary<string, double> EngineByName);

    /// <summary>Waits (up to 30 s) until the tiered JIT has gone quiet: under 20 ms of CPU in a second.</summary>
    private static async Task WaitForJitAsync(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var m = await MeasureAsync(pid, () => Task.Delay(1000));
            if (m.JitMs < 20) return;
        }
        Console.WriteLine("  note: the JIT was still compiling after 30 s; its CPU is left out of the runs anyway.");
    }

    /// <summary>Server CPU outside and inside the engine threads, and this process's CPU, while <paramref name="action"/> runs.</summary>
    private static async Task<Measured> MeasureAsync(int pid, Func<Task> action)
    {
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var clientBefore = self.TotalProcessorTime;
        var before = ProcessCpu.Read(pid);
        var clock = Stopwatch.StartNew();
        await action();
        var after = ProcessCpu.Read(pid);
        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        var clientMs = (self.TotalProcessorTime - clientBefore).TotalMilliseconds;
        var (engineBefore, engineAfter) = (before.ThreadsNamed(InferenceEngine.ThreadNamePrefix), after.ThreadsNamed(InferenceEngine.ThreadNamePrefix));
        // Engine threads started during the run count from zero; ones that exited are lost (their time stays in the process total).
        var engineMs = engineAfter.Sum(t => t.Value - engineBefore.GetValueOrDefault(t.Key));
        var lost = engineBefore.Keys.Count(k => !engineAfter.ContainsKey(k));
        var (jitBefore, jitAfter) = (before.ThreadsNamed(JitThreadPrefix), after.ThreadsNamed(JitThreadPrefix));
        var jitMs = jitAfter.Sum(t => t.Value - jitBefore.GetValueOrDefault(t.Key));
        var previous = before.Threads.ToDictionary(t => t.Id, t => t.CpuMs);
        var top = after.Threads.GroupBy(t => t.Name).Select(g => (Name: g.Key, Ms: g.Sum(t => t.CpuMs - previous.GetValueOrDefault(t.Id))))
            .Where(g => g.Ms > 0).OrderByDescending(g => g.Ms).Take(6).Select(g => $"{g.Name} {g.Ms:0}");
        var byName = after.Threads.Where(t => t.Name.StartsWith(InferenceEngine.ThreadNamePrefix, StringComparison.Ordinal))
            .GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Sum(t => t.CpuMs - engineBefore.GetValueOrDefault(t.Id)));
        return new Measured(seconds, after.ProcessCpuMs - before.ProcessCpuMs - engineMs - jitMs, engineMs, jitMs, clientMs, lost, string.Join(", ", top), byName);
    }

    private static bool Held(ServingRun run) => run.Ok >= 0.95 * run.Requests;

    private readonly record struct ModelCounters(long Items, double ForwardMs, long Batches)
    {
        public static ModelCounters operator +(ModelCounters a, ModelCounters b) => new(a.Items + b.Items, a.ForwardMs + b.ForwardMs, a.Batches + b.Batches);
        public static ModelCounters operator -(ModelCounters a, ModelCounters b) => new(a.Items - b.Items, a.ForwardMs - b.ForwardMs, a.Batches - b.Batches);
    }

    private sealed record WorkerCounters(Dictionary<string, ModelCounters> PerModel)
    {
        public long Items => PerModel.Values.Sum(c => c.Items);
        public double ForwardMs => PerModel.Values.Sum(c => c.ForwardMs);
        public long Batches => PerModel.Values.Sum(c => c.Batches);

        public static WorkerCounters operator -(WorkerCounters a, WorkerCounters b) =>
            new(a.PerModel.ToDictionary(e => e.Key, e => e.Value - b.PerModel.GetValueOrDefault(e.Key)));
    }

    /// <summary>The pipeline's worker grains' counters so far: items received (served + dropped), forward-pass time and batches, from GET /v1/pipelines/{name}.</summary>
    private static async Task<WorkerCounters> WorkersAsync(HttpClient http, string pipeline)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync($"/v1/pipelines/{Uri.EscapeDataString(pipeline)}"));
        var perModel = new Dictionary<string, ModelCounters>(StringComparer.Ordinal);
        foreach (var stage in document.RootElement.GetProperty("stages").EnumerateArray())
            foreach (var worker in stage.GetProperty("workers").EnumerateArray())
            {
                var model = worker.GetProperty("model").GetString() ?? "";
                perModel[model] = perModel.GetValueOrDefault(model) + new ModelCounters(
                    worker.GetProperty("served").GetInt64() + worker.GetProperty("dropped").GetInt64(),
                    worker.GetProperty("busyMs").GetDouble(),
                    worker.GetProperty("batches").GetInt64());
            }
        return new WorkerCounters(perModel);
    }

    private static ServingCost? Current(ServingCostFile file)
    {
        try { return file.TryLoad(); }
        catch (InvalidDataException e)
        {
            Console.WriteLine($"serving cost: {e.Message} Measuring again.");
            return null;
        }
    }

    private static double[] Numbers(string text, string name, double min, double max) =>
        text.Split(',').Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v : throw new UsageException($"--{name} must be numbers in [{min}, {max}] separated by commas, not '{text}'.")).Order().ToArray();

    /// <summary>The server built beside this CLI: {checkout}/Silo/bin/{configuration}/net10.0/Gearbox.Silo.dll (silo + gateway API).</summary>
    private static string FindGateway()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "Silo", "bin", configuration, "net10.0", "Gearbox.Silo.dll");
            return File.Exists(dll) ? dll
                : throw new UsageException($"The server is not built at '{dll}': run 'dotnet build Silo -c {configuration}' (./gearbox setup builds everything), or pass --gateway PATH.");
        }
        throw new UsageException("Cannot find the checkout (Orleans.sln) above this CLI to locate the gateway; pass --gateway PATH to Gearbox.Silo.dll.");
    }
}
