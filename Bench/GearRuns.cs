using System.Globalization;
using Gearbox.Contracts.Serving;
using Gearbox.Data;

namespace Gearbox.Bench;

/// <summary>
/// The two runs about gear plans: --validate-plan (pin each gear, load it at its claimed capacity,
/// compare) and --phases (one open-loop low→high→low schedule, then the switches the gateway made).
/// </summary>
public static class GearRuns
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions options, PipelineDefinition pipeline, GearboxPaths paths)
    {
        using var control = new GearControl(options.Target, options.Pipeline);
        ServedPlan? plan = null;
        try
        {
            if (options.ValidatePlan) plan = await control.GetPlanAsync();
            else if (!options.SloGiven)
            {
                try
                {
                    plan = await control.GetPlanAsync();
                }
                catch (GearControlException)
                {
                    // No plan: the phases run with the default SLO, said below.
                }
            }
        }
        catch (HttpRequestException e)
        {
            throw new BenchUsageException($"No gateway answers at {options.Target} ({e.Message}). Start one with './gearbox serve'.");
        }

        if (options.ValidatePlan) SelectGears(plan!, options.Gears); // a wrong --gears fails before any load is sent
        var (sloMs, sloSource) = options.SloGiven ? (options.SloMs, SloSource.Option)
            : plan?.SloMs is { } planSlo && planSlo > 0 ? (planSlo, SloSource.Plan)
            : (options.SloMs, SloSource.Default);
        var sloText = sloSource switch
        {
            SloSource.Option => "--slo",
            SloSource.Plan => $"the served plan's request (v{plan?.Version?.ToString(Invariant) ?? "?"})",
            _ => "the bench's default: no plan served, give --slo",
        };
        var images = BenchImages.Load(paths, pipeline.InputSide, options.Images, sloMs);
        Console.WriteLine($"{images.Count} test images ({images.Side}x{images.Side}) from {paths.DatasetFile}; slo_ms {F(sloMs, 1)} from {sloText}");

        using var run = new HttpLoadRun(options.Target, options.Pipeline, images, TimeSpan.FromSeconds(options.TimeoutSeconds));
        await GatewayCheck.WarmUpAsync(run, options);
        return options.ValidatePlan
            ? await ValidateAsync(options, plan!, control, run, images, sloMs, sloSource)
            : await PhasesAsync(options, control, run, images, sloMs, sloSource);
    }

    private static async Task<int> ValidateAsync(BenchOptions o, ServedPlan plan, GearControl control, HttpLoadRun run, BenchImages images, double sloMs, SloSource sloSource)
    {
        var gears = SelectGears(plan, o.Gears);
        Console.WriteLine();
        Console.WriteLine($"PLAN v{plan.Version?.ToString(Invariant) ?? "?"} for '{o.Pipeline}': {plan.Gears.Length} gears, ceiling {F(plan.Ceiling ?? double.NaN, 1)}/s, " +
                          $"slo {F(plan.SloMs ?? double.NaN, 1)} ms, min accuracy {F(plan.MinAccuracy ?? double.NaN, 3)}; validating {gears.Length} gear(s) " +
                          $"at their claimed upper load, target goodput/capacity {GearCheck.TargetLow.ToString(Invariant)}-{GearCheck.TargetHigh.ToString(Invariant)}");
        foreach (var note in plan.Notes) Console.WriteLine($"  plan note: {note}");

        var checks = new List<GearCheck>();
        string? warning;
        // Ctrl-C would leave the last gear pinned: resume automatic switching on the way out.
        ConsoleCancelEventHandler onCancel = (_, _) =>
        {
            Console.Error.WriteLine("interrupted: resuming automatic gear switching");
            if (control.ResumeAutoAsync().Wait(TimeSpan.FromSeconds(5)) is false) Console.Error.WriteLine("no answer in 5 s; the last gear may still be pinned");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            foreach (var gear in gears)
            {
                var rate = plan.TestRate(gear);
                if (!(rate > 0) || !double.IsFinite(rate))
                {
                    Console.WriteLine($"\ngear {gear.Index}: claims no finite load ({F(gear.MaxLoad, 1)}/s); skipped.");
                    continue;
                }
                var (seconds, weak) = GearCheck.Plan(rate, o.DurationSeconds, o.MaxRequests);
                await control.PinAsync(gear.Index);
                Console.WriteLine();
                Console.WriteLine($"gear {gear.Index}  band ({F(gear.MinLoad, 1)}, {F(gear.MaxLoad, 1)}] req/s: pinned; settling {F(o.SettleSeconds, 1)} s, then Poisson {F(rate, 1)}/s for {F(seconds, 1)} s" +
                                  (rate < gear.MaxLoad ? " (capped at the plan's ceiling)" : "") + (seconds > o.DurationSeconds ? " (stretched: tiny load)" : ""));
                if (o.SettleSeconds > 0) await Task.Delay(TimeSpan.FromSeconds(o.SettleSeconds));
                if (await control.GetStateAsync() is ({ GearIndex: { } inForce }, _) && inForce != gear.Index)
                    Console.WriteLine($"  warning: the gateway reports gear {inForce} in force, not {gear.Index}: this run measures gear {inForce}.");
                await run.WarmUpAsync(5);
                var schedule = PoissonSchedule.OffsetsMs(rate, seconds, o.MaxRequests, o.Seed + gear.Index);
                var result = await run.RunAsync(schedule);
                var window = WindowFigures.From(result.Outcomes, images.Truths, Math.Max(seconds, result.ScheduledSeconds), sloMs);
                var check = new GearCheck(gear, rate, seconds, weak, window);
                PrintGear(check, sloMs);
                checks.Add(check);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            warning = await control.ResumeAutoAsync();
            Console.WriteLine();
            Console.WriteLine(warning is null ? "automatic gear switching resumed" : $"warning: {warning}");
        }

        PrintGearTable(plan, checks, o.Pipeline, sloMs);
        if (o.JsonPath is { } path)
        {
            BenchJson.Write(path, new ValidationJson("validate-plan", DateTimeOffset.UtcNow, o.Target.ToString(), o.Pipeline, plan.Version, plan.Request, plan.Ceiling,
                sloMs, sloSource, new TargetBandJson(GearCheck.TargetLow, GearCheck.TargetHigh), checks.Select(GearJson.From).ToArray(), warning is null, warning));
        }
        return 0;
    }

    /// <summary>The plan's gears named by --gears (all when null), in index order; an index the plan lacks is an error naming it.</summary>
    public static PlanGear[] SelectGears(ServedPlan plan, int[]? wanted)
    {
        var known = plan.Gears.Select(g => g.Index).ToHashSet();
        if (wanted?.FirstOrDefault(g => !known.Contains(g), -1) is { } unknown and >= 0)
            throw new BenchUsageException($"--gears: the plan (v{plan.Version?.ToString(Invariant) ?? "?"}) has no gear {unknown}; it has gears {string.Join(", ", known.Order())}.");
        return plan.Gears.Where(g => wanted is null || wanted.Contains(g.Index)).OrderBy(g => g.Index).ToArray();
    }

    private static void PrintGear(GearCheck c, double sloMs)
    {
        var m = c.Measured;
        Console.WriteLine($"  sent {m.Sent} ({F(m.OfferedRate, 1)}/s)   200s {m.Ok}   within the SLO {m.Good}   504s {m.Drops}   other errors {m.Errors}   no answer {m.NoAnswer}");
        Console.WriteLine($"  goodput at the SLO  {F(m.Goodput, 1)}/s  vs claimed capacity {F(c.PredictedCapacity, 1)}/s   ratio {F(c.Ratio)}   -> {c.VerdictText}");
        Console.WriteLine($"  p99 ms              measured {F(m.OkLatency.P99)} (200s)   predicted {F(c.Gear.PredictedP99Ms ?? double.NaN)}   simulated {F(c.Gear.SimulatedP99Ms ?? double.NaN)}   (slo {F(sloMs, 1)})");
        Console.WriteLine($"  accuracy            measured {P(m.Accuracy.Accuracy)} ({m.Accuracy.Slots} answered)   predicted {P(c.Gear.PredictedAccuracy ?? double.NaN)}");
        Console.WriteLine($"  SLO attainment      {P(m.Attainment)}   (simulated {P(c.Gear.SimulatedAttainment ?? double.NaN)})   send lag p99 {F(m.SendLag.P99)} ms");
        if (m.GeneratorBehind)
            Console.WriteLine($"  note: the load generator fell behind its schedule (send lag p99 {F(m.SendLag.P99)} ms > {F(GeneratorLag.P99LimitMs, 0)} ms): the server saw less or burstier load than offered, so this measures the generator as much as the gear.");
        if (m.OkLatency.P99 > sloMs)
            Console.WriteLine($"  note: the measured p99 ({F(m.OkLatency.P99)} ms) is above the SLO ({F(sloMs, 1)} ms): the ratio counts only what was answered in time, the gear still misses its p99 target.");
        if (c.StatisticallyWeak)
            Console.WriteLine($"  note: statistically weak: {m.Sent} requests at a claimed {F(c.PredictedCapacity, 2)}/s; one p99 is a handful of requests.");
    }

    private static void PrintGearTable(ServedPlan plan, IReadOnlyList<GearCheck> checks, string pipeline, double sloMs)
    {
        Console.WriteLine();
        Console.WriteLine($"PLAN v{plan.Version?.ToString(Invariant) ?? "?"} '{pipeline}': measured goodput at the SLO / claimed capacity (target {GearCheck.TargetLow.ToString(Invariant)}-{GearCheck.TargetHigh.ToString(Invariant)})");
        Console.WriteLine($"{"gear",5}{"band req/s",20}{"claimed/s",11}{"goodput/s",11}{"ratio",7}{"p99 pred",10}{"p99 meas",10}{"acc pred",10}{"acc meas",10}{"attain",9}  verdict");
        foreach (var c in checks)
        {
            var flags = (c.Measured.GeneratorBehind ? " [generator behind]" : "") + (c.StatisticallyWeak ? " [weak]" : "") +
                        (c.Measured.OkLatency.P99 > sloMs ? " [p99 > SLO]" : "");
            Console.WriteLine($"{c.Gear.Index,5}{$"({F(c.Gear.MinLoad, 1)}, {F(c.Gear.MaxLoad, 1)}]",20}{F(c.PredictedCapacity, 1),11}{F(c.Measured.Goodput, 1),11}{F(c.Ratio),7}" +
                              $"{F(c.Gear.PredictedP99Ms ?? double.NaN),10}{F(c.Measured.OkLatency.P99),10}{P(c.Gear.PredictedAccuracy ?? double.NaN),10}{P(c.Measured.Accuracy.Accuracy),10}" +
                              $"{P(c.Measured.Attainment),9}  {c.Verdict}{flags}");
        }
        var within = checks.Count(c => c.WithinTarget);
        Console.WriteLine($"  {within} of {checks.Count} gear(s) within the target band.");
    }

    private static async Task<int> PhasesAsync(BenchOptions o, GearControl control, HttpLoadRun run, BenchImages images, double sloMs, SloSource sloSource)
    {
        var phases = o.Phases!;
        var schedule = LoadPhases.Schedule(phases, o.MaxRequests, o.Seed);
        var (before, beforeProblem) = await control.GetStateAsync();
        Console.WriteLine();
        Console.WriteLine($"PHASES '{o.Pipeline}': {string.Join(", ", phases.Select(p => p.ToString()))} as one open-loop schedule " +
                          $"({F(schedule.TotalSeconds, 1)} s, {schedule.OffsetsMs.Length} requests), slo_ms {F(sloMs, 1)}");
        Console.WriteLine(before is null ? $"  gear in force: unknown ({beforeProblem})" : $"  gear in force: {Describe(before)}");
        if (before?.Mode is "pinned")
            Console.WriteLine($"  warning: gear {before.GearIndex} is pinned, so the gateway will not switch during this run; resume with POST /v1/pipelines/{o.Pipeline}/gear {{\"auto\":true}}.");
        if (schedule.Capped)
            Console.WriteLine($"  warning: --max-requests {o.MaxRequests} cut the schedule at {F(schedule.OffsetsMs[^1] / 1000, 1)} s of {F(schedule.TotalSeconds, 1)} s; raise it to run every phase in full.");

        var startedAt = DateTimeOffset.UtcNow;
        var result = await run.RunAsync(schedule.OffsetsMs);
        var endedAt = DateTimeOffset.UtcNow;

        var perPhase = phases.Select((p, i) => WindowFigures.From(
            result.Outcomes.Where((_, k) => schedule.Phase[k] == i), images.Truths, p.Seconds, sloMs)).ToArray();
        var overall = WindowFigures.From(result.Outcomes, images.Truths, Math.Max(schedule.TotalSeconds, result.ScheduledSeconds), sloMs);

        Console.WriteLine();
        Console.WriteLine($"{"phase",6}{"rate/s",9}{"from s",8}{"sent",8}{"offered/s",11}{"goodput/s",11}{"attain",9}{"p50 ms",9}{"p99 ms",9}{"accuracy",10}{"504",7}{"errors",8}{"no answer",11}");
        for (var i = 0; i < phases.Length; i++)
            Console.WriteLine(PhaseRow((i + 1).ToString(Invariant), F(phases[i].Rate, 0), F(schedule.PhaseStartMs[i] / 1000, 1), perPhase[i]));
        Console.WriteLine(PhaseRow("all", "", "", overall));
        for (var i = 0; i < phases.Length; i++)
            if (perPhase[i].GeneratorBehind)
                Console.WriteLine($"  note: phase {i + 1}: the load generator fell behind its schedule (send lag p99 {F(perPhase[i].SendLag.P99)} ms): this phase measures the generator as much as the server.");
        if (overall.NoAnswer > 0) Console.WriteLine($"  {overall.NoAnswer} request(s) got no HTTP response at all.");

        var (history, historyProblem) = await control.GetHistoryAsync();
        var during = history is null ? null : GearSwitch.During(history, startedAt, endedAt);
        Console.WriteLine();
        if (during is null) Console.WriteLine($"GEAR SWITCHES: unknown ({historyProblem})");
        else if (during.Length == 0) Console.WriteLine($"GEAR SWITCHES: none during the run ({history!.Length} in the gateway's history)");
        else
        {
            Console.WriteLine($"GEAR SWITCHES during the run ({during.Length}; time from the start of the schedule, phases start at {string.Join(", ", schedule.PhaseStartMs[..^1].Select(s => F(s / 1000, 0) + " s"))})");
            foreach (var s in during)
                Console.WriteLine($"  {F((s.At - startedAt).TotalSeconds, 1),7} s  phase {PhaseAt(schedule, (s.At - startedAt).TotalMilliseconds)}  gear {s.From?.ToString(Invariant) ?? "?"} -> {s.To?.ToString(Invariant) ?? "?"}" +
                                  $"  at {F(s.Load ?? double.NaN, 1)} req/s  {s.Reason}");
        }
        var (after, _) = await control.GetStateAsync();
        if (after is not null) Console.WriteLine($"  gear in force now: {Describe(after)}");

        if (o.JsonPath is { } path)
        {
            BenchJson.Write(path, new PhasesJson("phases", startedAt, o.Target.ToString(), o.Pipeline, sloMs, sloSource, schedule.Capped,
                phases.Select((p, i) => new PhaseJson(i + 1, p.Rate, p.Seconds, schedule.PhaseStartMs[i] / 1000, MeasuredJson.From(perPhase[i]))).ToArray(),
                MeasuredJson.From(overall),
                during?.Select(s => new SwitchJson(s.At, Math.Round((s.At - startedAt).TotalSeconds, 3), s.From, s.To, s.Load, s.Reason)).ToArray(),
                historyProblem));
        }
        return 0;
    }

    /// <summary>The phase (1-based) running at <paramref name="ms"/> from the start; "-" outside the schedule.</summary>
    public static string PhaseAt(PhasedSchedule schedule, double ms)
    {
        for (var i = 0; i + 1 < schedule.PhaseStartMs.Length; i++)
            if (ms >= schedule.PhaseStartMs[i] && ms < schedule.PhaseStartMs[i + 1]) return (i + 1).ToString(Invariant);
        return "-";
    }

    private static string PhaseRow(string phase, string rate, string from, WindowFigures w) =>
        $"{phase,6}{rate,9}{from,8}{w.Sent,8}{F(w.OfferedRate, 1),11}{F(w.Goodput, 1),11}{P(w.Attainment),9}{F(w.OkLatency.P50),9}{F(w.OkLatency.P99),9}" +
        $"{P(w.Accuracy.Accuracy),10}{w.Drops,7}{w.Errors,8}{w.NoAnswer,11}";

    private static string Describe(GearState s) =>
        $"mode {s.Mode ?? "n/a (a gateway without automatic switching)"}, gear {s.GearIndex?.ToString(Invariant) ?? "?"}" +
        (s.PlanVersion is { } v ? $" of plan v{v}" : "") +
        (s.BandMaxLoad is { } hi ? $", band ({F(s.BandMinLoad ?? 0, 1)}, {F(hi, 1)}]" : "") +
        (s.EstimatedRate is { } r ? $", load estimate {F(r, 1)} req/s{(s.Burst == true ? " (burst)" : "")}" : "");

    private static string F(double value, int decimals = 2) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals, Invariant);

    private static string P(double fraction) => double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("F2", Invariant) + "%";
}

/// <summary>The bench's first contact with the gateway: sequential requests, not measured, that also say whether it answers.</summary>
public static class GatewayCheck
{
    public static async Task WarmUpAsync(HttpLoadRun run, BenchOptions options)
    {
        var warm = await run.WarmUpAsync(20);
        if (warm.All(o => o.Status == 0))
            throw new BenchUsageException($"No gateway answers at {options.Target} ({warm[0].Error}). Start one with './gearbox serve', or use --engine-only.");
        if (warm.All(o => o.Status == 404))
            throw new BenchUsageException($"The gateway at {options.Target} does not serve '{options.Pipeline}' (404).");
        Console.WriteLine($"warm-up: 20 sequential requests, not counted ({warm.Count(o => o.IsOk)} answered 200)");
    }
}
