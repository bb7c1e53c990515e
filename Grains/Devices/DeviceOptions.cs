using Microsoft.Extensions.Configuration;

namespace Gearbox.Devices;

/// <summary>
/// Section "Gearbox:Devices": emulated accelerators (never the default). With <see cref="Emulate"/> = N the
/// silo announces N emulated devices; each worker runs the real model for the real answer, but a batch
/// completes at the latency <see cref="EmulatedProfile"/> gives for its size × <see cref="Slowdown"/>, and a
/// device runs one batch at a time. The planner then plans with those latency tables. See docs/devices.md.
/// </summary>
public sealed record DeviceOptions
{
    public const string Section = "Gearbox:Devices";

    /// <summary>The command-line shorthand for <see cref="Emulate"/> on serve and silo: <c>--emulate-devices N</c>.</summary>
    public const string EmulateSwitch = "emulate-devices";

    /// <summary>Emulated devices this silo has; 0 (default): none, the real cores (and CUDA devices) serve.</summary>
    public int Emulate { get; init; }

    /// <summary>The emulated devices' latency tables: a shipped profile's name (v100-bert, this-machine-cpu) or a JSON file's path.</summary>
    public string EmulatedProfile { get; init; } = "v100-bert";

    /// <summary>Every emulated latency is multiplied by this (≥ 1 in practice): makes device time dominate the real CPU work.</summary>
    public double Slowdown { get; init; } = 1;

    public bool IsEmulated => Emulate > 0;

    /// <summary>Section Gearbox:Devices, with <c>--emulate-devices N</c> taking precedence over Gearbox:Devices:Emulate.</summary>
    public static DeviceOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DeviceOptions>() ?? new DeviceOptions();
        return configuration[EmulateSwitch] is { Length: > 0 } n
            ? options with { Emulate = int.TryParse(n, out var count) ? count : throw new InvalidOperationException($"--{EmulateSwitch} '{n}' is not a whole number.") }
            : options;
    }

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Problem() =>
        Emulate < 0 ? $"Gearbox:Devices:Emulate must be ≥ 0 (0: no emulation), not {Emulate}" :
        Emulate > 1024 ? $"Gearbox:Devices:Emulate must be at most 1024, not {Emulate}" :
        !(Slowdown > 0) || double.IsInfinity(Slowdown) ? $"Gearbox:Devices:Slowdown must be a positive number, not {Slowdown}" :
        IsEmulated && string.IsNullOrWhiteSpace(EmulatedProfile) ? "Gearbox:Devices:EmulatedProfile is empty; name a shipped profile (v100-bert, this-machine-cpu) or a JSON file" :
        null;
}
