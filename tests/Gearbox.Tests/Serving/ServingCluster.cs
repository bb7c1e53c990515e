using Gearbox.Serving;
using Gearbox.Storage;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Gearbox.Tests.Serving;

/// <summary>A real two-silo Orleans cluster, in process, serving the quickly trained models.</summary>
public sealed class ServingCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ServingModels Models => ServingModels.Instance;
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var models = ServingModels.Instance;
        var catalog = PipelineCatalog.Load();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGearboxServing(models.Paths, catalog);
            silo.AddGearboxStorage(new ConfigurationBuilder().Build()); // in-memory store
            silo.AddIncomingGrainCallFilter(WorkerFaults.Filter); // inert unless a test lists a worker

        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
