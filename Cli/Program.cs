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
      profile [--only a,b] [--missing] [--threads N] [--repetitions N] [--warmup N] [--device D]
      plan PIPELINE --slo-ms X --min-accuracy A --devices D [--cost-per-device C] [--max-load N]
                    [--bands N] [--band-factor F] [--json] [--svg PATH] [--no-sim]
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
        "plan" => PlanCommand.Run(rest, paths),
        "bench-plan" => BenchPlanCommand.Run(rest, paths),
        "example" => ExampleCommand.Run(rest, paths),
        _ => throw new UsageException($"Unknown command '{args[0]}'.\n{usage}"),
    };
}
catch (Exception e) when (e is UsageException or PlanningImpossibleException or DatasetFileException or ModelLoadException or FileNotFoundException or InvalidDataException or KeyNotFoundException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
