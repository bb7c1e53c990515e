using Gearbox.Contracts.Planning;
using Gearbox.Devices;
using Gearbox.Planning;
using Gearbox.Profiling;
using Gearbox.Serving;

namespace Gearbox.Cli.Commands;

/// <summary>What `plan` and `bench-plan` share: the pipeline's planning model from its profiles, and the plan request from options.</summary>
public static class PlanInputs
{
    /// <param name="emulated">Plan for emulated devices: this profile's latency (× <paramref name="slowdown"/>), no serving-path CPU charge, as a silo with Gearbox:Devices:Emulate does.</param>
    public static PipelineModel Model(string pipeline, GearboxPaths paths, EmulatedDeviceProfile? emulated = null, double slowdown = 1)
    {
        var catalog = PipelineCatalog.Load();
        var files = new ProfileFile(paths.ProfilesDirectory);
        return emulated is null
            ? PipelineModel.From(catalog.Get(pipeline), files.Load, new ServingCostFile(paths.ProfilesDirectory).TryLoad())
            : PipelineModel.From(catalog.Get(pipeline), m => emulated.Apply(files.Load(m), slowdown));
    }

    /// <summary>--emulated-profile NAME|PATH [--slowdown F]: the emulated device to plan for, or null.</summary>
    public static (EmulatedDeviceProfile? Profile, double Slowdown) Emulation(CliArgs args)
    {
        if (args.String("emulated-profile") is not { } name) return (null, 1);
        try
        {
            return (EmulatedDeviceProfile.Load(name), args.Double("slowdown", 1, min: 1e-9));
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static string Pipeline(CliArgs args) =>
        args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("Name one pipeline, e.g. 'plan fashion --slo-ms 30 --min-accuracy 0.9 --devices 8'.");

    public static PlanRequest Request(CliArgs args, string pipeline, int? devices = null)
    {
        double Required(string name) => args.String(name) is null
            ? throw new UsageException($"--{name} is required.")
            : args.Double(name, 0);
        var maxLoad = args.String("max-load") is null ? (double?)null : args.Double("max-load", 0, min: 1e-6);
        return new PlanRequest(pipeline, Required("slo-ms"), Required("min-accuracy"),
            devices ?? args.Int("devices", 8, min: 1, max: 4096), args.Double("cost-per-device", 1, min: 1e-9), maxLoad,
            args.Int("bands", 12, min: 1, max: 200), args.Double("band-factor", 0, min: 0));
    }
}
