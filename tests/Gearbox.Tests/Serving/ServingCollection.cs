namespace Gearbox.Tests.Serving;

/// <summary>Grain tests share one cluster and run one at a time (they reconfigure the same pipelines).</summary>
[CollectionDefinition("serving")]
public sealed class ServingCollection : ICollectionFixture<ServingCluster>;
