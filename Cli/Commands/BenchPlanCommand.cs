using System.Diagnostics;
using Gearbox.Contracts.Planning;
using Gearbox.Planning;
using Gearbox.Planning.Simulation;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>bench-plan PIPELINE --slo-ms X --min-accuracy A --devices D [--seconds N] [--seed N] [--lookups N] [--lagged-monitor]</c>:
/// on one simulated load trace, the device-seconds and SLO attainment of Gearbox's gear plan versus
/// (a) the largest model alone with just enough replicas per window and (b) one static cascade sized
/// for the peak; then the planning time with 16 devices and the GetGear lookup latency.
/// </summary>
public static class BenchPlanCommand
{
    private const double WindowMs = 1000;
    private const int UnboundedDevices = 512;

    public static int Run(CliArgs args, GearboxPaths paths)
    {
        var pipeline = PlanInputs.Pipeline(args);
        var request = PlanInputs.Request(args, pipeline);
        var seconds = args.Int("seconds", 300, min: 10, max: 86_400);
        var seed = args.Int("seed", 11);
        var lagged = args.Flag("lagged-monitor");
        var model = PlanInputs.Model(pipeline, paths);
        var planner = new GearPlanner(model);
        var plan = planner.Plan(request);
        var table = new GearTable(plan);
        PlanTable.Print(plan, model, Console.Out);

        // The trace peaks at 90% of what the plan holds, so every system is asked for the same feasible load.
        var peak = 0.9 * table[table.Count - 1].MaxLoad;
        var rates = LoadTrace.Diurnal(seconds, peak, new Random(seed));
        var arrivals = Arrivals.FromRateCurve(rates, WindowMs, request.SloMs, new Random(seed + 1));
        Console.WriteLine();
        Console.WriteLine($"Trace: {seconds} s of a compressed day with surges, peak {rates.Max():0.#} req/s, mean {rates.Average():0.#} req/s, {arrivals.Count} requests; " +
                          $"SLO {request.SloMs} ms, accuracy ≥ {request.MinAccuracy:0.###}. Gear per 1 s window from " +
                          (lagged ? "the rate counted in the previous window (a monitor one window behind)." : "that window's planned rate (an oracle monitor; --lagged-monitor for one a window behind)."));

        // Both adaptive systems decide from the same view of the load; the static one from the trace's peak.
        var decided = lagged ? ObservedRates(arrivals, rates.Length) : rates;
        var gearbox = GearboxRun(model, table, decided, arrivals, request, seed);
        var largest = LargestAloneRun(model, decided, arrivals, request, seed);
        var staticPeak = StaticPeakRun(model, planner, rates, arrivals, request, seed);
        Console.WriteLine($"{"system",-34} {"device-s",10} {"min dev",8} {"max dev",8} {"in SLO",8} {"p99 ms",8} {"dropped",8} {"accuracy",9} {"cost ×",7}");
        foreach (var run in new[] { gearbox, largest, staticPeak })
        {
            Console.WriteLine($"{run.Name,-34} {run.DeviceSeconds,10:0} {run.MinDevices,8} {run.MaxDevices,8} {run.Result.Attainment,8:P2} {run.Result.P99Ms,8:0.0} " +
                              $"{run.Result.Dropped,8} {run.Result.Accuracy,9:P2} {run.DeviceSeconds / gearbox.DeviceSeconds,7:0.00}");
        }
        Console.WriteLine($"Savings: Gearbox uses {largest.DeviceSeconds / gearbox.DeviceSeconds:0.00}× fewer device-seconds than the largest model alone " +
                          $"and {staticPeak.DeviceSeconds / gearbox.DeviceSeconds:0.00}× fewer than a static cascade for peak (CascadeServe reports 2–3×).");

        LatencyFits(model);
        PlanningTime(model, request);
        LookupLatency(table, args.Int("lookups", 10_000_000, min: 1000));
        return 0;
    }

    private sealed record SystemRun(string Name, double DeviceSeconds, int MinDevices, int MaxDevices, SimulationResult Result);

    private static SystemRun GearboxRun(PipelineModel model, GearTable table, double[] rates, List<Arrival> arrivals, PlanRequest request, int seed)
    {
        var schedule = new List<GearSwitch>();
        var deviceSeconds = 0.0;
        var (minDevices, maxDevices) = (int.MaxValue, 0);
        var last = -1;
        for (var w = 0; w < rates.Length; w++)
        {
            var index = table.IndexFor(rates[w]);
            var gear = table[index];
            deviceSeconds += gear.Devices * WindowMs / 1000;
            (minDevices, maxDevices) = (Math.Min(minDevices, gear.Devices), Math.Max(maxDevices, gear.Devices));
            if (index != last) schedule.Add(new GearSwitch(w * WindowMs, GearMapping.ToSimulated(model, gear)));
            last = index;
        }
        var result = new PipelineSimulator(model, seed).Run(arrivals, schedule);
        return new SystemRun($"Gearbox plan ({schedule.Count} gear switches)", deviceSeconds * request.CostPerDevice, minDevices, maxDevices, result);
    }

    /// <summary>What a monitor one window behind sees: window w is served by the gear for the arrivals counted in window w − 1.</summary>
    private static double[] ObservedRates(List<Arrival> arrivals, int windows)
    {
        var counts = new double[windows];
        foreach (var a in arrivals) counts[Math.Min(windows - 1, (int)(a.AtMs / WindowMs))]++;
        return [counts[0], .. counts[..^1].Select(c => c * 1000 / WindowMs)];
    }

    /// <summary>Baseline (a): only the last (largest) cascade model, replicas re-sized every window to just hold its load.</summary>
    private static SystemRun LargestAloneRun(PipelineModel model, double[] rates, List<Arrival> arrivals, PlanRequest request, int seed)
    {
        var single = model.WithLargestModelOnly();
        var planner = new GearPlanner(single, new PlannerOptions(CheckWithSimulator: false));
        var front = ParetoFront.Build(single, 0);
        var schedule = new List<GearSwitch>();
        var deviceSeconds = 0.0;
        var (minDevices, maxDevices) = (int.MaxValue, 0);
        for (var w = 0; w < rates.Length; w++)
        {
            var choice = planner.Choose(rates[w], front, request.SloMs, UnboundedDevices, schedule.Count == 0 ? null : schedule[^1].Gear.Replicas)
                ?? throw new PlanningImpossibleException($"The largest model alone cannot hold {rates[w]:0.#} req/s at {request.SloMs} ms with {UnboundedDevices} devices.");
            deviceSeconds += choice.Provision.Devices * WindowMs / 1000;
            (minDevices, maxDevices) = (Math.Min(minDevices, choice.Provision.Devices), Math.Max(maxDevices, choice.Provision.Devices));
            var gear = GearMapping.ToSimulated(choice.Point, choice.Provision);
            if (schedule.Count == 0 || !gear.Replicas.SequenceEqual(schedule[^1].Gear.Replicas) || !gear.MaxBatch.SequenceEqual(schedule[^1].Gear.MaxBatch))
                schedule.Add(new GearSwitch(w * WindowMs, gear));
        }
        var result = new PipelineSimulator(single, seed).Run(arrivals, schedule);
        return new SystemRun($"(a) {single.Units[^1]} alone, autoscaled", deviceSeconds * request.CostPerDevice, minDevices, maxDevices, result);
    }

    /// <summary>Baseline (b): the cheapest cascade gear that holds the trace's peak, kept all day.</summary>
    private static SystemRun StaticPeakRun(PipelineModel model, GearPlanner planner, double[] rates, List<Arrival> arrivals, PlanRequest request, int seed)
    {
        var front = ParetoFront.Build(model, request.MinAccuracy);
        var choice = planner.Choose(rates.Max(), front, request.SloMs, request.Devices, null)
            ?? throw new PlanningImpossibleException("No static cascade holds the trace's peak within the budget.");
        var result = new PipelineSimulator(model, seed).Run(arrivals, GearMapping.ToSimulated(choice.Point, choice.Provision));
        var devices = choice.Provision.Devices;
        return new SystemRun("(b) static cascade for peak", devices * rates.Length * WindowMs / 1000 * request.CostPerDevice, devices, devices, result);
    }

    private static void PlanningTime(PipelineModel model, PlanRequest request)
    {
        var sixteen = request with { Devices = 16, MaxLoad = null };
        var searchOnly = Median(() => new GearPlanner(model, new PlannerOptions(CheckWithSimulator: false)).Plan(sixteen).PlanningMs);
        var withChecks = Median(() => new GearPlanner(model).Plan(sixteen).PlanningMs);
        Console.WriteLine();
        Console.WriteLine($"Planning time, '{model.Name}' with 16 devices (median of 5): search {searchOnly:0.0} ms; search + simulator checks {withChecks:0.0} ms.");
    }

    /// <summary>Sponge's l(b, c) fitted to each model's profile, with its error on the measured points.</summary>
    private static void LatencyFits(PipelineModel model)
    {
        Console.WriteLine();
        Console.WriteLine("Sponge latency model l(b,c) = γ·b/c + δ·b + ε/c + η, least squares on each profile's medians:");
        foreach (var profile in model.Profiles)
        {
            var samples = SpongeLatencyModel.Samples(profile);
            var fit = SpongeLatencyModel.Fit(samples);
            Console.WriteLine($"  {profile.Model,-11} γ={fit.Gamma:0.0000} δ={fit.Delta:0.0000} ε={fit.Epsilon:0.0000} η={fit.Eta:0.0000}  rms error {fit.RmsErrorMs(samples):0.000} ms" +
                              (fit.Identifiable ? $" (threads {string.Join(",", profile.ThreadCounts())})" : $" (one thread count, {profile.Threads}: the per-core split is assumed, not measured; re-run ./gearbox profile)"));
        }
    }

    private static double Median(Func<double> measure)
    {
        measure(); // warm-up (JIT)
        var samples = Enumerable.Range(0, 5).Select(_ => measure()).Order().ToArray();
        return samples[2];
    }

    private static void LookupLatency(GearTable table, int lookups)
    {
        var random = new Random(3);
        var loads = Enumerable.Range(0, 4096).Select(_ => random.NextDouble() * table[table.Count - 1].MaxLoad * 1.1).ToArray();
        var sink = 0;
        for (var i = 0; i < 100_000; i++) sink += table.IndexFor(loads[i & 4095]);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < lookups; i++) sink += table.GetGear(loads[i & 4095]).Index;
        clock.Stop();
        Console.WriteLine($"GetGear lookup ({table.Count} gears, {lookups:N0} lookups): {clock.Elapsed.TotalMilliseconds * 1e6 / lookups:0.0} ns each (checksum {sink}).");
    }
}
