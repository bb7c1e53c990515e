using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Serving;

public static class ServingServices
{
    /// <summary>What the serving grains need from the silo's container.</summary>
    public static IServiceCollection AddGearboxServing(this IServiceCollection services, GearboxPaths paths, PipelineCatalog catalog) =>
        services
            .AddSingleton(paths)
            .AddSingleton(catalog)
            .AddSingleton<ModelRuntime>()
            .AddSingleton<InitialConfigurations>();
}
