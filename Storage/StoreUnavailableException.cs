namespace Gearbox.Storage;

/// <summary>The storage backend could not be reached or did not answer; <see cref="Endpoint"/> says which one.</summary>
public sealed class StoreUnavailableException(string endpoint, string detail, Exception? inner = null)
    : Exception($"Gearbox storage at {endpoint} is unavailable: {detail} Check that the service is running and that " +
                $"Gearbox:Storage:ConnectionString points at it.", inner)
{
    public string Endpoint { get; } = endpoint;

    /// <summary>
    /// The store failure behind <paramref name="e"/> (itself, or the exception it wraps, as grain storage
    /// calls surface it), or null when <paramref name="e"/> is something else.
    /// </summary>
    public static StoreUnavailableException? In(Exception e) => e as StoreUnavailableException ?? e.InnerException as StoreUnavailableException;
}
