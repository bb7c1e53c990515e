using Gearbox.Planning.Control;
using Microsoft.Extensions.Configuration;

namespace Gearbox.Hosting;

/// <summary>Settings read the same way by the silo and the gateway.</summary>
public static class GearboxSettings
{
    /// <summary>Section Gearbox:Control, checked: a bad setting stops the process with the reason instead of misbehaving later.</summary>
    public static GearControlOptions ControlOptions(IConfiguration configuration)
    {
        var control = configuration.GetSection(GearControlOptions.Section).Get<GearControlOptions>() ?? new GearControlOptions();
        return control.Problem() is { } problem ? throw new InvalidOperationException(problem + ".") : control;
    }
}
