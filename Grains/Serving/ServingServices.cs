using Gearbox.Devices;
using Gearbox.Planning.Control;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gearbox.Serving;

public static class ServingServices
{
    /// <summary>What the serving grains need from the silo's container.</summary>
    public static IServiceCollection AddGearboxServing(this IServiceCollection services, GearboxPaths paths, PipelineCatalog catalog, GearControlOptions? control = null,
        DeviceOptions? devices = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(control ?? new GearControlOptions());
        services.TryAddSingleton(devices ?? new DeviceOptions());
        services.AddDevicePlacement();
        return services
            .AddSingleton(paths)
            .AddSingleton(catalog)
            .AddSingleton<EmulatedDevices>()
            .AddSingleton<LocalDevices>()
            .AddSingleton<ModelRuntime>()
            .AddSingleton<InitialConfigurations>();
    }
}
