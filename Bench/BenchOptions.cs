using System.Globalization;
using System.Net;

namespace Gearbox.Bench;

/// <summary>The bench's command line: "--name value" options and flags, each checked with a precise error.</summary>
public sealed record BenchOptions(
    Uri Target,
    string Pipeline,
    double[] Rates,
    double DurationSeconds,
    int MaxRequests,
    double SloMs,
    int Images,
    int Seed,
    double TimeoutSeconds,
    bool EngineBaseline,
    bool EngineOnly,
    double[]? Thresholds,
    int EngineSamples,
    int EngineBatch,
    int EngineItems,
    int EngineThreads,
    string? Device)
{
    /// <summary>--slo was given (otherwise --validate-plan and --phases take the served plan's SLO).</summary>
    public bool SloGiven { get; init; }

    /// <summary>--validate-plan: pin each gear of the served plan and load it at its claimed capacity.</summary>
    public bool ValidatePlan { get; init; }

    /// <summary>--gears: the gear indices to validate (null: every gear of the plan).</summary>
    public int[]? Gears { get; init; }

    /// <summary>--phases: one open-loop schedule of rate × seconds steps (null: the --rate sweep).</summary>
    public LoadPhase[]? Phases { get; init; }

    /// <summary>--settle: seconds to wait after pinning a gear before loading it.</summary>
    public double SettleSeconds { get; init; } = 2;

    /// <summary>--json: where to write the results of --validate-plan, --phases or --trace.</summary>
    public string? JsonPath { get; init; }

    /// <summary>--trace: "diurnal", "bursty" or a CSV file of second,rate (null: no trace run).</summary>
    public string? Trace { get; init; }

    /// <summary>--trace-seconds: length of a generated trace.</summary>
    public int TraceSeconds { get; init; } = 300;

    /// <summary>--trace-peak: the peak rate (req/s) of a generated trace.</summary>
    public double TracePeak { get; init; } = 200;

    /// <summary>--compare: the control modes to start a server for, in turn (null: run the trace against --target).</summary>
    public string[]? Compare { get; init; }

    /// <summary>--svg: where to draw the trace run's timeline.</summary>
    public string? SvgPath { get; init; }

    /// <summary>--server: the gateway dll --compare starts (null: the checkout's Gateway/bin/Release build).</summary>
    public string? ServerDll { get; init; }

    /// <summary>--server-settings: extra configuration given to every server --compare starts (key, value), e.g. Gearbox:Control:ChargeClient=true.</summary>
    public KeyValuePair<string, string>[] ServerSettings { get; init; } = [];

    /// <summary>--start-timeout: seconds a started server has to become ready.</summary>
    public double StartTimeoutSeconds { get; init; } = 180;

    /// <summary>--gear-wait: seconds to wait for a started server to show a gear in force.</summary>
    public double GearWaitSeconds { get; init; } = 30;

    /// <summary>--protocols: the protocols the rate sweep runs, one after another (default: JSON only).</summary>
    public BenchProtocol[] Protocols { get; init; } = [BenchProtocol.Json];

    /// <summary>--grpc-target: the gateway's gRPC address (default: --target's host, its port + 1, as the gateway listens by default).</summary>
    public Uri? GrpcTarget { get; init; }

    /// <summary>--scale-out: the silo counts to measure in turn, each a fresh cluster the bench starts (null: no scale-out run).</summary>
    public int[]? ScaleOut { get; init; }

    /// <summary>--emulate-devices: emulated devices each silo of a --scale-out cluster has.</summary>
    public int EmulateDevices { get; init; } = 2;

    /// <summary>--emulated-profile: the emulated devices' latency tables (a shipped name or a JSON file).</summary>
    public string EmulatedProfile { get; init; } = "this-machine-cpu";

    /// <summary>--slowdown: every emulated latency is multiplied by this.</summary>
    public double Slowdown { get; init; } = 100;

    /// <summary>--min-accuracy: the accuracy floor of the default plan the --scale-out clusters make (null: the pipeline's).</summary>
    public double? MinAccuracy { get; init; }

    /// <summary>--rate or --rate-up: the rates the sweep offers (a fixed list, or a ladder that stops at saturation).</summary>
    public RateLadder Ladder { get; init; } = RateLadder.Of([50]);

    /// <summary>--runs: how many times the whole protocol sweep runs (run k uses seed + k − 1).</summary>
    public int Runs { get; init; } = 1;

    /// <summary>--runtime-poll: how often the server's /metrics is read during a sweep step (zero: only before and after).</summary>
    public TimeSpan RuntimePoll { get; init; } = RuntimeSampler.DefaultPoll;

    /// <summary>Seconds a server has to exit after SIGTERM before it is killed.</summary>
    public double StopGraceSeconds { get; init; } = 20;

    public const string Usage = """
        gearbox-bench: open-loop load on a Gearbox gateway, optionally beside the engine alone.
          --target URL          gateway base address, loopback only (default http://127.0.0.1:8080)
          --pipeline NAME       pipeline or model to call (default fashion; fashion-grid sends 56x56 grids)
          --rate R[,R2,...]     Poisson arrivals per second (default 50); several rates run one after
                                another (a sweep) and the report picks the highest that held the SLO
          --rate-up START,STEP[,MAX]
                                a saturating sweep instead of --rate: START, START+STEP, ... (up to MAX,
                                default 100000) until 2 steps in a row each miss 99% SLO attainment or
                                are generator-bound (the load generator behind its schedule: send lag
                                p99 > 20 ms); a generator-bound step never counts as the peak
          --runs N              repeat the whole protocol sweep N times (default 1; run k uses seed + k - 1)
                                and report each run's peak and the peaks' spread (target within ±10%)
          --runtime-poll MS     read the server's /metrics every MS during each step for the thread-pool
                                gauges (default 1000; 0: only before and after each step)
          --duration S          seconds of arrivals (default 10)
          --max-requests N      hard cap on requests sent (default 100000)
          --slo MS              parameters.slo_ms sent with every request (default 50)
          --images N            distinct test images to cycle through (default 2000)
          --seed N              arrival-time seed (default 1)
          --timeout S           give up on a response after S seconds (default 10)
          --protocols P[,P...]  json, binary (the binary tensor extension) and/or grpc (KServe v2 ModelInfer,
                                raw UINT8): the sweep runs for each in turn; with --engine-baseline each is
                                set beside the engine alone in one table (default json)
          --grpc-target URL     the gateway's gRPC address (default: --target's host, port + 1)
          --engine-baseline     also run the same images through the engine in-process, side by side
          --engine-only         only the engine baseline (no gateway needed)
          --thresholds a,b      cascade thresholds for the engine baseline (default: read from the
                                gateway's GET /v1/pipelines/{name}; required with --engine-only for cascades)
          --engine-samples N    single-image runs for the engine's low-load latency (default 300)
          --engine-batch B      batch size for the engine's max throughput (default 32)
          --engine-items N      images for the engine's max throughput (default 3000)
          --engine-threads T    intra-op threads per engine (default: all cores)
          --device D            engine device (default auto: cuda if available, else cpu)

        Gear plans (the gateway's GET /v1/pipelines/{name}/plan; --slo defaults to the plan's SLO):
          --validate-plan       pin each gear in turn, offer its claimed upper load (maxLoad, capped at
                                the plan's ceiling) for --duration s and compare the measured goodput at
                                the SLO, p99 and accuracy with the plan's predictions (target 0.8-1.2);
                                resumes automatic gear switching at the end
          --gears 0,3,5         validate only these gears
          --settle S            seconds to wait after pinning a gear (default 2)
          --phases R1xS1,R2xS2  one open-loop run of back-to-back phases, e.g. 200x20,800x20,200x30
                                (rate x seconds), reported per phase, then the gear switches made meanwhile
          --json FILE           write the results of --validate-plan, --phases, --trace or a rate sweep
                                (per protocol, with the engine baseline) as JSON

        Load traces (one open-loop run, Poisson within each second; see docs/bench.md):
          --trace FILE|diurnal|bursty
                                a CSV of 'second,rate' (seconds 0, 1, 2, ...; header optional) or a seeded
                                generated trace; without --compare it runs against --target
          --trace-seconds S     length of a generated trace (default 300)
          --trace-peak R        peak req/s of a generated trace (default 200)
          --compare gears,static,reactive,switching
                                start a server for each control mode in turn (the same binary with
                                --Gearbox:Control:Mode M on free loopback ports), run the same trace with the
                                same seed on each, stop it, and compare them in one table (ratios to gears)
          --server DLL          the gateway --compare starts (default: Gateway/bin/Release/net10.0/Gearbox.Gateway.dll
                                of this checkout)
          --server-settings K=V[,K=V...]
                                more settings for every server started, e.g. Gearbox:Control:ChargeClient=true
                                (plan with this on-box load generator's CPU charged)
          --start-timeout S     seconds a started server has to become ready (default 180)
          --gear-wait S         seconds to wait for a started server to show a gear in force (default 30; 120 with
                                --scale-out, whose plan must cover every silo's devices)
          --svg FILE            draw the run as a timeline: offered rate, p99, gear index and devices per second

        Scale-out (docs/scale-out.md; EMULATED devices, so the devices and not this host are the bottleneck):
          --scale-out 1,2       for each silo count in turn: start redis-server, that many silos and a
                                client-mode gateway on free loopback ports, wait until every silo is active
                                and the gear plan is made for all their devices, sweep --rate, stop them all;
                                then the peak goodput at the SLO per silo count and its ratio to the first
          --emulate-devices N   emulated devices per silo (default 2)
          --emulated-profile P  their latency tables: this-machine-cpu (default), v100-bert or a JSON file
          --slowdown S          emulated latencies × S (default 100)
          --min-accuracy A      the plan's accuracy floor (default: the pipeline's)
          (--slo is required; --rate, --duration, --json, --start-timeout and --gear-wait apply; a silo
           count's sweep stops after two rates in a row missed the SLO)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new BenchUsageException($"Unexpected argument '{args[i]}'.");
            var name = args[i][2..];
            values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
        }
        var known = new HashSet<string>
        {
            "target", "pipeline", "rate", "duration", "max-requests", "slo", "images", "seed", "timeout", "engine-baseline",
            "engine-only", "thresholds", "engine-samples", "engine-batch", "engine-items", "engine-threads", "device", "help",
            "validate-plan", "gears", "settle", "phases", "json",
            "trace", "trace-seconds", "trace-peak", "compare", "svg", "server", "server-settings", "start-timeout", "gear-wait",
            "protocols", "grpc-target", "rate-up", "runs", "runtime-poll",
            "scale-out", "emulate-devices", "emulated-profile", "slowdown", "min-accuracy",
        };
        var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is not null) throw new BenchUsageException($"Unknown option '--{unknown}'.");

        string? Text(string name) => values.TryGetValue(name, out var v) ? v : null;
        double Number(string name, double fallback, double min, double max)
        {
            var text = Text(name);
            if (text is null) return fallback;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new BenchUsageException($"--{name} must be a number in [{min}, {max}], not '{text}'.");
            return v;
        }
        int Integer(string name, int fallback, int min, int max)
        {
            var v = Number(name, fallback, min, max);
            return v == Math.Floor(v) ? (int)v : throw new BenchUsageException($"--{name} must be an integer, not '{Text(name)}'.");
        }

        var target = new Uri(Text("target") ?? "http://127.0.0.1:8080", UriKind.Absolute);
        if (!IsLoopback(target)) throw new BenchUsageException($"--target must be a loopback address (127.0.0.1, ::1 or localhost), not '{target.Host}'.");
        double[]? thresholds = null;
        if (Text("thresholds") is { } list)
        {
            thresholds = list.Split(',').Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
                ? v : throw new BenchUsageException($"--thresholds must be numbers in [0, 1] separated by commas, not '{list}'.")).ToArray();
        }
        var validate = values.ContainsKey("validate-plan");
        var phases = values.ContainsKey("phases")
            ? LoadPhases.Parse(Text("phases") ?? throw new BenchUsageException("--phases needs a value, e.g. 200x20,800x20,200x30."))
            : null;
        if (validate && phases is not null) throw new BenchUsageException("--validate-plan and --phases are separate runs; give one.");
        if (phases is not null && (values.ContainsKey("rate") || values.ContainsKey("duration")))
            throw new BenchUsageException("--phases sets the rates and durations itself; leave out --rate and --duration.");
        if (validate && values.ContainsKey("rate"))
            throw new BenchUsageException("--validate-plan offers each gear its own maxLoad; leave out --rate.");
        if ((validate || phases is not null) && (values.ContainsKey("engine-baseline") || values.ContainsKey("engine-only")))
            throw new BenchUsageException("--engine-baseline and --engine-only do not combine with --validate-plan or --phases.");
        if (values.ContainsKey("gears") && !validate) throw new BenchUsageException("--gears goes with --validate-plan.");
        var trace = values.ContainsKey("trace")
            ? (string.IsNullOrWhiteSpace(Text("trace")) ? throw new BenchUsageException("--trace needs a CSV file of second,rate, or 'diurnal' or 'bursty'.") : Text("trace"))
            : null;
        if (trace is not null)
        {
            foreach (var other in new[] { "rate", "duration", "phases", "validate-plan", "engine-baseline", "engine-only" })
                if (values.ContainsKey(other)) throw new BenchUsageException($"--trace sets the load itself; leave out --{other}.");
        }
        var generated = trace is "diurnal" or "bursty";
        foreach (var shape in new[] { "trace-seconds", "trace-peak" })
            if (values.ContainsKey(shape) && !generated) throw new BenchUsageException($"--{shape} goes with --trace diurnal or --trace bursty.");
        foreach (var traceOnly in new[] { "compare", "svg" })
            if (values.ContainsKey(traceOnly) && trace is null) throw new BenchUsageException($"--{traceOnly} goes with --trace.");
        string[]? compare = null;
        if (values.ContainsKey("compare"))
        {
            var modes = Text("compare") ?? throw new BenchUsageException("--compare needs control modes, e.g. gears,static,reactive,switching.");
            compare = modes.Split(',').Select(m => m.Trim()).ToArray();
            if (compare.FirstOrDefault(m => !TraceRuns.KnownModes.Contains(m)) is { } bad)
                throw new BenchUsageException($"--compare: '{bad}' is not a control mode; the modes are {string.Join(", ", TraceRuns.KnownModes)}.");
            if (compare.Distinct().Count() != compare.Length) throw new BenchUsageException($"--compare: '{modes}' names a mode twice.");
            if (values.ContainsKey("target")) throw new BenchUsageException("--compare starts its own servers on free loopback ports; leave out --target.");
        }
        var scaleOut = values.ContainsKey("scale-out") ? ParseSiloCounts(Text("scale-out")) : null;
        if (scaleOut is not null)
        {
            foreach (var other in new[] { "target", "trace", "validate-plan", "phases", "engine-baseline", "engine-only", "protocols", "grpc-target", "compare" })
                if (values.ContainsKey(other)) throw new BenchUsageException($"--scale-out starts its own clusters and sweeps --rate over JSON; leave out --{other}.");
            if (!values.ContainsKey("slo"))
                throw new BenchUsageException("--scale-out needs --slo MS: the emulated devices' slowed-down latencies set it (e.g. --slo 1000 with --slowdown 100; see docs/scale-out.md).");
        }
        foreach (var scaleOnly in new[] { "emulate-devices", "emulated-profile", "slowdown", "min-accuracy" })
            if (values.ContainsKey(scaleOnly) && scaleOut is null) throw new BenchUsageException($"--{scaleOnly} goes with --scale-out.");
        if (values.ContainsKey("emulated-profile") && string.IsNullOrWhiteSpace(Text("emulated-profile")))
            throw new BenchUsageException("--emulated-profile needs a profile name (this-machine-cpu, v100-bert) or a JSON file.");
        var serverSettings = ParseServerSettings(values.ContainsKey("server-settings") ? Text("server-settings") ?? "" : null);
        foreach (var compareOnly in new[] { "server", "server-settings" })
            if (values.ContainsKey(compareOnly) && compare is null) throw new BenchUsageException($"--{compareOnly} goes with --compare.");
        foreach (var startOnly in new[] { "start-timeout", "gear-wait" })
            if (values.ContainsKey(startOnly) && compare is null && scaleOut is null) throw new BenchUsageException($"--{startOnly} goes with --compare or --scale-out.");
        if (values.ContainsKey("server") && string.IsNullOrWhiteSpace(Text("server"))) throw new BenchUsageException("--server needs the gateway's dll.");
        var protocols = ParseProtocols(values.ContainsKey("protocols") ? Text("protocols") ?? "" : null);
        if ((validate || phases is not null || trace is not null) && values.ContainsKey("protocols"))
            throw new BenchUsageException("--protocols goes with a rate sweep (--rate), not --validate-plan, --phases or --trace.");
        if (values.ContainsKey("engine-only") && values.ContainsKey("protocols")) throw new BenchUsageException("--engine-only sends nothing to the gateway; leave out --protocols.");
        Uri? grpcTarget = null;
        if (values.ContainsKey("grpc-target"))
        {
            grpcTarget = Uri.TryCreate(Text("grpc-target") ?? "", UriKind.Absolute, out var g) ? g : throw new BenchUsageException($"--grpc-target must be an absolute URL, e.g. http://127.0.0.1:8081, not '{Text("grpc-target")}'.");
            if (!IsLoopback(grpcTarget)) throw new BenchUsageException($"--grpc-target must be a loopback address, not '{grpcTarget.Host}'.");
        }
        if (values.ContainsKey("rate-up") && values.ContainsKey("rate")) throw new BenchUsageException("--rate-up makes its own rates; leave out --rate.");
        foreach (var sweepOnly in new[] { "rate-up", "runs", "runtime-poll" })
            if (values.ContainsKey(sweepOnly) && (validate || phases is not null || trace is not null || scaleOut is not null || values.ContainsKey("engine-only")))
                throw new BenchUsageException($"--{sweepOnly} goes with a rate sweep against --target (not --validate-plan, --phases, --trace, --scale-out or --engine-only).");
        var rates = ParseRates(Text("rate"));
        var ladder = values.ContainsKey("rate-up") ? RateLadder.ParseUp(Text("rate-up")) : RateLadder.Of(rates);
        if (values.ContainsKey("json") && string.IsNullOrWhiteSpace(Text("json"))) throw new BenchUsageException("--json needs a file name.");
        if (values.ContainsKey("svg") && string.IsNullOrWhiteSpace(Text("svg"))) throw new BenchUsageException("--svg needs a file name.");
        int[]? gears = null;
        if (values.ContainsKey("gears"))
        {
            var gearList = Text("gears") ?? throw new BenchUsageException("--gears needs gear indices, e.g. 0,3,5.");
            gears = gearList.Split(',').Select(g => int.TryParse(g.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v : throw new BenchUsageException($"--gears takes gear indices (0, 1, ...) separated by commas; '{g}' in '{gearList}' is not one.")).Distinct().Order().ToArray();
        }

        return new BenchOptions(
            target,
            Text("pipeline") ?? "fashion",
            ladder.Fixed ?? [ladder.Start],
            Number("duration", 10, 0.1, 3600),
            Integer("max-requests", 100_000, 1, 10_000_000),
            Number("slo", 50, 0.001, 60_000),
            Integer("images", 2000, 1, 10_000),
            Integer("seed", 1, 0, int.MaxValue),
            Number("timeout", 10, 0.1, 600),
            values.ContainsKey("engine-baseline") || values.ContainsKey("engine-only"),
            values.ContainsKey("engine-only"),
            thresholds,
            Integer("engine-samples", 300, 1, 100_000),
            Integer("engine-batch", 32, 1, 1024),
            Integer("engine-items", 3000, 1, 1_000_000),
            Integer("engine-threads", Environment.ProcessorCount, 1, Environment.ProcessorCount),
            Text("device"))
        {
            SloGiven = values.ContainsKey("slo"),
            ValidatePlan = validate,
            Gears = gears,
            Phases = phases,
            SettleSeconds = Number("settle", 2, 0, 600),
            JsonPath = Text("json"),
            Trace = trace,
            TraceSeconds = Integer("trace-seconds", 300, 2, LoadTraces.MaxSeconds),
            TracePeak = Number("trace-peak", 200, 0.01, LoadTraces.MaxRate),
            Compare = compare,
            SvgPath = Text("svg"),
            ServerDll = Text("server"),
            ServerSettings = serverSettings,
            StartTimeoutSeconds = Number("start-timeout", 180, 1, 3600),
            GearWaitSeconds = Number("gear-wait", scaleOut is null ? 30 : 120, 0, 600),
            Protocols = protocols,
            Ladder = ladder,
            Runs = Integer("runs", 1, 1, 100),
            RuntimePoll = TimeSpan.FromMilliseconds(Number("runtime-poll", RuntimeSampler.DefaultPoll.TotalMilliseconds, 0, 60_000)),
            GrpcTarget = grpcTarget ?? new UriBuilder(target) { Port = target.Port + 1 }.Uri,
            ScaleOut = scaleOut,
            EmulateDevices = Integer("emulate-devices", 2, 1, 64),
            EmulatedProfile = Text("emulated-profile") ?? "this-machine-cpu",
            Slowdown = Number("slowdown", 100, 1, 100_000),
            MinAccuracy = values.ContainsKey("min-accuracy") ? Number("min-accuracy", 0, 0, 1) : null,
        };
    }

    /// <summary>"1,2": distinct silo counts in [1, 8], measured in ascending order (the first is the ratios' reference).</summary>
    public static int[] ParseSiloCounts(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new BenchUsageException("--scale-out needs silo counts, e.g. 1,2.");
        var counts = text.Split(',', StringSplitOptions.TrimEntries).Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 8
            ? v : throw new BenchUsageException($"--scale-out takes silo counts from 1 to 8 separated by commas; '{c}' in '{text}' is not one.")).ToArray();
        if (counts.Distinct().Count() != counts.Length) throw new BenchUsageException($"--scale-out: '{text}' names a silo count twice.");
        if (counts.Length < 2) throw new BenchUsageException($"--scale-out compares silo counts: give at least two, e.g. 1,2 (not '{text}').");
        return [.. counts.Order()];
    }

    /// <summary>"Key=Value,Key=Value": configuration keys (Gearbox:Control:ChargeClient) the mode, port and cluster settings do not already set.</summary>
    public static KeyValuePair<string, string>[] ParseServerSettings(string? text)
    {
        if (text is null) return [];
        var reserved = new[] { "port", "Gearbox:Control:Mode", "Gearbox:Control:PeakLoad", "Gearbox:Cluster:SiloPort", "Gearbox:Cluster:GatewayPort" };
        var settings = new List<KeyValuePair<string, string>>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var at = item.IndexOf('=');
            if (at <= 0 || item[..at].Trim().Length == 0 || item[..at].Contains(' '))
                throw new BenchUsageException($"--server-settings: '{item}' is not KEY=VALUE (e.g. Gearbox:Control:ChargeClient=true).");
            var key = item[..at].Trim().TrimStart('-');
            if (reserved.Contains(key, StringComparer.OrdinalIgnoreCase))
                throw new BenchUsageException($"--server-settings: {key} is set by --compare itself.");
            settings.Add(new(key, item[(at + 1)..].Trim()));
        }
        return [.. settings];
    }

    /// <summary>"json,binary,grpc" in the order given; null (not given): JSON only.</summary>
    public static BenchProtocol[] ParseProtocols(string? text)
    {
        if (text is null) return [BenchProtocol.Json];
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        var protocols = names.Select(n => n switch
        {
            "json" => BenchProtocol.Json,
            "binary" => BenchProtocol.Binary,
            "grpc" => BenchProtocol.Grpc,
            _ => throw new BenchUsageException($"--protocols takes json, binary and grpc separated by commas; '{n}' in '{text}' is not one."),
        }).ToArray();
        if (protocols.Distinct().Count() != protocols.Length) throw new BenchUsageException($"--protocols: '{text}' names a protocol twice.");
        return protocols;
    }

    private static double[] ParseRates(string? text)
    {
        if (text is null) return [50];
        var rates = text.Split(',').Select(r => double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0.01 and <= 100_000
            ? v : throw new BenchUsageException($"--rate must be numbers in [0.01, 100000] separated by commas, not '{text}'.")).ToArray();
        return rates.Order().ToArray();
    }

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "help");

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

public sealed class BenchUsageException(string message) : Exception(message);
