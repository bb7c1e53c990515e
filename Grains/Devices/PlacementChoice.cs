using Gearbox.Contracts.Cluster;

namespace Gearbox.Devices;

/// <summary>
/// Where a worker ("pipeline/stage/model/replica") goes: the silos' devices of the serving kind are laid out
/// as slots taken round-robin over the silos (silo A's 1st device, B's 1st, A's 2nd, ...). A stage's
/// workers take consecutive slots from hash(pipeline/stage): model i of n, replica r, takes slot
/// (hash + i + r·n) mod slots, so a stage's models and replicas spread over the silos instead of
/// meeting wherever their own hashes happen to collide (FNV-1a's low bits did, for "mlp", "cnn-small" and
/// "cnn-large": every first replica landed on one silo). A model the stage does not list (its ordinal
/// unknown) takes hash(pipeline/stage/model) + r. A silo gets workers in proportion to its devices, and
/// every silo computes the same answer (the hash is stable across processes). Silos that announced no
/// device of the kind get a worker only when no silo did.
/// </summary>
public static class PlacementChoice
{
    /// <param name="modelOrdinal">The model's index in its stage and the stage's model count, from "pipeline/stage" and the model; null when unknown.</param>
    public static T Choose<T>(IReadOnlyList<(T Silo, string Address, IReadOnlyList<DeviceInfo> Devices)> silos, string servingKind, string workerKey,
        Func<string, string, (int Index, int Count)?>? modelOrdinal = null)
    {
        if (silos.Count == 0) throw new ArgumentException("No compatible silo to place a worker on.", nameof(silos));
        var ordered = silos.OrderBy(s => s.Address, StringComparer.Ordinal).ToArray();
        var counts = ordered.Select(s => s.Devices.Where(d => d.Kind == servingKind).Sum(d => d.Count)).ToArray();
        if (counts.All(c => c == 0)) Array.Fill(counts, 1);
        var slots = new List<int>();
        for (var round = 0; round < counts.Max(); round++)
            for (var s = 0; s < ordered.Length; s++)
                if (counts[s] > round) slots.Add(s);
        var (group, replica) = Split(workerKey);
        var model = group.LastIndexOf('/');
        var stage = model > 0 ? group[..model] : group;
        var position = model > 0 && modelOrdinal?.Invoke(stage, group[(model + 1)..]) is { } o && o.Count > 0 && o.Index >= 0
            ? StableHash(stage) + (ulong)o.Index + (ulong)replica * (ulong)o.Count
            : StableHash(group) + (ulong)replica;
        return ordered[slots[(int)(position % (ulong)slots.Count)]].Silo;
    }

    /// <summary>"p/s/m/3" → ("p/s/m", 3); a key without a numeric last part is its own group, replica 0.</summary>
    private static (string Group, int Replica) Split(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 && int.TryParse(key.AsSpan(slash + 1), out var replica) && replica >= 0 ? (key[..slash], replica) : (key, 0);
    }

    /// <summary>FNV-1a: string.GetHashCode differs between processes, and every silo must choose alike.</summary>
    public static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
