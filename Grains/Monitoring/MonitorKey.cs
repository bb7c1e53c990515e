namespace Gearbox.Monitoring;

/// <summary>Which pipeline's monitor a stage ("{pipeline}/{stage}") or worker ("{pipeline}/{stage}/{model}/{replica}") reports to.</summary>
public static class MonitorKey
{
    public static string Of(string grainKey)
    {
        var slash = grainKey.IndexOf('/');
        return slash < 0 ? grainKey : grainKey[..slash];
    }
}
