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
    public const string Usage = """
        gearbox-bench: open-loop load on a Gearbox gateway, optionally beside the engine alone.
          --target URL          gateway base address, loopback only (default http://127.0.0.1:8080)
          --pipeline NAME       pipeline or model to call (default fashion; fashion-grid sends 56x56 grids)
          --rate R[,R2,...]     Poisson arrivals per second (default 50); several rates run one after
                                another (a sweep) and the report picks the highest that held the SLO
          --duration S          seconds of arrivals (default 10)
          --max-requests N      hard cap on requests sent (default 100000)
          --slo MS              parameters.slo_ms sent with every request (default 50)
          --images N            distinct test images to cycle through (default 2000)
          --seed N              arrival-time seed (default 1)
          --timeout S           give up on a response after S seconds (default 10)
          --engine-baseline     also run the same images through the engine in-process, side by side
          --engine-only         only the engine baseline (no gateway needed)
          --thresholds a,b      cascade thresholds for the engine baseline (default: read from the
                                gateway's GET /v1/pipelines/{name}; required with --engine-only for cascades)
          --engine-samples N    single-image runs for the engine's low-load latency (default 300)
          --engine-batch B      batch size for the engine's max throughput (default 32)
          --engine-items N      images for the engine's max throughput (default 3000)
          --engine-threads T    intra-op threads per engine (default: all cores)
          --device D            engine device (default auto: cuda if available, else cpu)
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
        return new BenchOptions(
            target,
            Text("pipeline") ?? "fashion",
            ParseRates(Text("rate")),
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
            Text("device"));
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
