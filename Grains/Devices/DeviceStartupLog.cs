using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gearbox.Devices;

/// <summary>Says at start-up what this silo announces, loudly when its devices are emulated.</summary>
public sealed class DeviceStartupLog(LocalDevices local, EmulatedDevices emulated, ILogger<DeviceStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var devices = DeviceAnnouncement.Encode(local.Devices);
        if (emulated.Profile is { } profile)
            logger.LogWarning("This silo's devices are EMULATED: {Count} × {Label} (latency tables '{Profile}', slow-down ×{Slowdown}); the real models run on the CPU for the answers. Announced: {Devices}",
                local.Options.Emulate, profile.DeviceLabel, profile.Name, local.Options.Slowdown, devices);
        else
            logger.LogInformation("This silo announces its devices: {Devices}", devices);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
