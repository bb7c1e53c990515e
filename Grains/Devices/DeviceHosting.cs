using Gearbox.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Gearbox.Devices;

public static class DeviceHosting
{
    /// <summary>Announces this silo's devices in its membership metadata (other silos' placement and budget read it).</summary>
    public static ISiloBuilder AnnounceDevices(this ISiloBuilder silo, DeviceOptions options)
    {
        if (options.Problem() is { } problem) throw new InvalidOperationException(problem + ".");
        silo.Services.TryAddSingleton(options);
        silo.Services.AddHostedService<DeviceStartupLog>();
        var devices = DeviceAnnouncement.Of(Environment.ProcessorCount, DevicePicker.CudaDevices(), options);
        return silo.UseSiloMetadata(new Dictionary<string, string> { [DeviceAnnouncement.MetadataKey] = DeviceAnnouncement.Encode(devices) });
    }
}
