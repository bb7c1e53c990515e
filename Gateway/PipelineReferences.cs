using System.Collections.Concurrent;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway;

/// <summary>
/// Pipeline grain references, resolved once per name: resolving one by key reflects over the grain
/// interface every time, a few percent of the gateway's CPU at load.
/// </summary>
public sealed class PipelineReferences(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, IPipelineGrain> _references = new(StringComparer.Ordinal);

    public IPipelineGrain Get(string pipeline) => _references.GetOrAdd(pipeline, name => grains.GetGrain<IPipelineGrain>(name));
}
