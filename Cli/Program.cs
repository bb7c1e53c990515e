using Gearbox;
using Gearbox.Cli;
using Gearbox.Cli.Commands;
using Gearbox.Data;
using Gearbox.Models;
using Gearbox.Planning;

const string usage = """
    gearbox-cli: Gearbox's offline tools (./gearbox calls these).
      data    [--source DIR] [--force]              convert Fashion-MNIST into the dataset file
      train   [--only a,b] [--missing] [--epochs N] [--limit N] [--seed N]
      profile [--only a,b] [--missing] [--threads 1,2] [--repetitions N] [--warmup N] [--device D]
      profile-serving [--missing] [--pipelines mlp,fashion,fashion-grid] [--rates 200,600] [--requests N] [--gateway PATH]
                    the serving path's CPU per request and added latency, measured on a child gateway
      plan PIPELINE --slo-ms X --min-accuracy A --devices D [--cost-per-device C] [--max-load N]
                    [--bands N] [--band-factor F] [--json] [--svg PATH] [--no-sim] [--engine-only | --charge-client]
      bench-plan PIPELINE --slo-ms X --min-accuracy A --devices D [--seconds N] [--seed N] [--lookups N] [--lagged-monitor]
      example [PIPELINE] [--index N] [--slo-ms X]   an infer request body for one test image (stdout),
                    its true label(s) on stderr
    Files go to GEARBOX_DATA (default: <checkout>/.data).
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

var paths = GearboxPaths.Default();
var rest = new CliArgs(args.Skip(1));
try
{
    return args[0] switch
    {
        "data" => DataCommand.Run(rest, paths),
        "train" => TrainCommand.Run(rest, paths),
        "profile" => ProfileCommand.Run(rest, paths),
        "profile-serving" => ProfileServingCommand.Run(rest, paths),
        "plan" => PlanCommand.Run(rest, paths),
        "bench-plan" => BenchPlanCommand.Run(rest, paths),
        "example" => ExampleCommand.Run(rest, paths),
        _ => throw new UsageException($"Unknown command '{args[0]}'.\n{usage}"),
    };
}
catch (Exception e) when (e is UsageException or PlanningImpossibleException or DatasetFileException or ModelLoadException or FileNotFoundException or InvalidDataException or TimeoutException or PlatformNotSupportedException or KeyNotFoundException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
