using System.Text.Json;
using System.Text.Json.Serialization;
using Gearbox.Contracts.Planning;
using Gearbox.Planning;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>plan PIPELINE --slo-ms X --min-accuracy A --devices D [--cost-per-device C] [--max-load N] [--bands N]
/// [--band-factor F] [--json] [--svg PATH] [--no-sim] [--engine-only | --charge-client] [--emulated-profile NAME [--slowdown F]]</c>:
/// computes a gear plan from the profiles (or for emulated devices, docs/devices.md), prints it as a table (or one JSON object),
/// and writes an SVG chart of cost and accuracy per load band.
/// </summary>
public static class PlanCommand
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static int Run(CliArgs args, GearboxPaths paths) => Run(args, paths, Console.Out, Console.Error);

    public static int Run(CliArgs args, GearboxPaths paths, TextWriter output, TextWriter errors)
    {
        var pipeline = PlanInputs.Pipeline(args);
        var request = PlanInputs.Request(args, pipeline);
        var (emulated, slowdown) = PlanInputs.Emulation(args);
        var model = PlanInputs.Model(pipeline, paths, emulated, slowdown);
        if (emulated is not null) errors.WriteLine($"Planning for EMULATED devices: {emulated.DeviceLabel}" + (slowdown != 1 ? $" ×{slowdown} slower" : "") + " (docs/devices.md).");
        if (args.Flag("engine-only")) model = model.WithoutServingCost(); // for comparison: what the engines alone would promise
        else if (args.Flag("charge-client"))
        {
            // A load generator on the same cores (a benchmark on this machine): charge its measured CPU per request too.
            var serving = model.Serving ?? throw new UsageException("--charge-client needs the measured serving cost (./gearbox profile-serving).");
            model = model.WithServingCost(serving.WithClientCharged());
        }
        var plan = new GearPlanner(model, new PlannerOptions(CheckWithSimulator: !args.Flag("no-sim"))).Plan(request);
        if (emulated is not null)
            plan = plan with { Notes = [.. plan.Notes, $"Devices are EMULATED ({emulated.DeviceLabel}, slow-down ×{slowdown}): latency tables from the emulated profile, accuracies the models' own (docs/devices.md)."] };

        var svgPath = args.String("svg") ?? Path.Combine(paths.DataDirectory, "plans",
            $"{pipeline}-slo{request.SloMs:0.##}-acc{request.MinAccuracy:0.###}-dev{request.Devices}.svg");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(svgPath))!);
        File.WriteAllText(svgPath, PlanChart.Svg(plan));

        if (args.Flag("json"))
        {
            output.WriteLine(JsonSerializer.Serialize(plan, Json));
            errors.WriteLine($"chart: {svgPath}");
        }
        else
        {
            PlanTable.Print(plan, model, output);
            output.WriteLine($"chart: {svgPath}");
        }
        return 0;
    }
}
