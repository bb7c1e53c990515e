using Gearbox.Storage;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Gearbox.Tests.Storage;

/// <summary>An in-process Orleans cluster whose silo storage is set up exactly as the real silo's: AddGearboxStorage(configuration).</summary>
public static class GearboxStorageCluster
{
    public static async Task<InProcessTestCluster> StartAsync(string? connectionString, string? tableName = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [GearboxStorageRegistration.ConnectionStringKey] = connectionString,
            [GearboxStorageRegistration.TableNameKey] = tableName,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddGearboxStorage(configuration));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
