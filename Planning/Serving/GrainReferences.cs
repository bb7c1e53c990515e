using System.Collections.Concurrent;

namespace Gearbox.Serving;

/// <summary>
/// Grain references by key, resolved once each: resolving one reflects over the grain interface every
/// time, which cost a few percent of the CPU on the request path.
/// </summary>
public sealed class GrainReferences<TGrain>(IGrainFactory grains) where TGrain : IGrainWithStringKey
{
    private readonly ConcurrentDictionary<string, TGrain> _references = new(StringComparer.Ordinal);

    public TGrain Get(string key) => _references.GetOrAdd(key, k => grains.GetGrain<TGrain>(k));
}
