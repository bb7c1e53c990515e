namespace Gearbox.Storage;

/// <summary>
/// A conditional write lost: another writer changed, created or deleted the document first.
/// The caller should re-read the document and decide again; retrying blindly would undo the other write.
/// </summary>
public sealed class DocumentConflictException(string partition, string key, string reason, Exception? inner = null)
    : Exception($"Conflict on document '{key}' in partition '{partition}': {reason} Re-read it and retry.", inner)
{
    public string Partition { get; } = partition;
    public string Key { get; } = key;
}
