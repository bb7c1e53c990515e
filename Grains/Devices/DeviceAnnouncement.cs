using System.Globalization;
using Gearbox.Contracts.Cluster;

namespace Gearbox.Devices;

/// <summary>
/// A silo's devices as one membership-metadata entry (key <see cref="MetadataKey"/>), e.g.
/// "cpu=2;emulated=4@v100-bert*5" (4 emulated devices of profile v100-bert, slowed down ×5) or "cpu=8;cuda=2".
/// A process that announces nothing (a client-mode gateway is not a silo) has no devices.
/// </summary>
public static class DeviceAnnouncement
{
    public const string MetadataKey = "gearbox.devices";

    /// <summary>What a silo has: its cores, the CUDA devices TorchSharp sees, and emulated devices when configured.</summary>
    public static DeviceInfo[] Of(int cores, int cudaDevices, DeviceOptions options) =>
    [
        new DeviceInfo("cpu", cores),
        .. cudaDevices > 0 ? [new DeviceInfo("cuda", cudaDevices)] : Array.Empty<DeviceInfo>(),
        .. options.IsEmulated ? [new DeviceInfo("emulated", options.Emulate, true, options.EmulatedProfile, options.Slowdown)] : Array.Empty<DeviceInfo>(),
    ];

    /// <summary>The device kind workers serve on: emulated when there are emulated devices, else cuda when there is a GPU, else cpu.</summary>
    public static string ServingKind(IEnumerable<DeviceInfo> devices)
    {
        var kinds = devices.Where(d => d.Count > 0).Select(d => d.Kind).ToHashSet();
        return kinds.Contains("emulated") ? "emulated" : kinds.Contains("cuda") ? "cuda" : "cpu";
    }

    public static string Encode(IEnumerable<DeviceInfo> devices) => string.Join(";", devices.Select(d =>
        FormattableString.Invariant($"{d.Kind}={d.Count}") + (d.Profile is { } p ? "@" + p : "") + (d.Emulated && d.Slowdown != 1 ? FormattableString.Invariant($"*{d.Slowdown}") : "")));

    /// <summary>The devices an entry announces; none for a missing or malformed one (a silo of another version says nothing usable).</summary>
    public static DeviceInfo[] Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var devices = new List<DeviceInfo>();
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var kind = part[..eq];
            var rest = part[(eq + 1)..];
            var slowdown = 1.0;
            if (rest.IndexOf('*') is var star and >= 0)
            {
                if (!double.TryParse(rest[(star + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out slowdown)) continue;
                rest = rest[..star];
            }
            string? profile = null;
            if (rest.IndexOf('@') is var at and >= 0) (profile, rest) = (rest[(at + 1)..], rest[..at]);
            if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var count)) continue;
            devices.Add(new DeviceInfo(kind, count, kind == "emulated", profile, slowdown));
        }
        return [.. devices];
    }
}
