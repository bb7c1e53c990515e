using System.Collections.Concurrent;
using Gearbox.Contracts.Profiles;
using Gearbox.Devices;
using Gearbox.Inference;
using Gearbox.Models;
using Gearbox.Profiling;

namespace Gearbox.Serving;

/// <summary>Per-silo access to trained models and their profiles (one instance, shared by the worker grains).</summary>
public sealed class ModelRuntime(GearboxPaths paths, EmulatedDevices devices)
{
    private readonly ModelStore _models = new(paths.ModelsDirectory);
    private readonly ProfileFile _profiles = new(paths.ProfilesDirectory);
    private readonly ConcurrentDictionary<string, ModelProfile?> _profileCache = new();
    private readonly ServingCostFile _servingCost = new(paths.ProfilesDirectory);

    public GearboxPaths Paths { get; } = paths;

    public bool IsReady(string model) => _models.Has(model);

    /// <summary>Loads a fresh, warmed-up engine (weights, device, threads); slow, so callers run it off the Orleans scheduler.</summary>
    public InferenceEngine CreateEngine(string model, string device, int threads)
    {
        var engine = InferenceEngine.Load(_models, ModelZoo.Get(model), device, threads);
        try
        {
            engine.WarmUp();
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>This silo's emulated accelerators (none unless Gearbox:Devices:Emulate is set).</summary>
    public EmulatedDevices Devices { get; } = devices;

    /// <summary>
    /// The model's profile, or null when it has not been profiled (./gearbox profile). With emulated devices,
    /// the emulated device's latency in place of the measured one (confidences stay the model's own).
    /// </summary>
    public ModelProfile? Profile(string model) => _profileCache.GetOrAdd(model, m =>
    {
        try { return _profiles.Has(m) ? (Devices.IsOn ? Devices.Emulate(_profiles.Load(m)) : _profiles.Load(m)) : null; }
        catch (InvalidDataException) { return null; }
    });

    /// <summary>The measured serving-path cost (profiles/serving.json), or null when it has not been measured (./gearbox profile-serving) or is unreadable.</summary>
    public ServingCost? ServingCost()
    {
        try { return _servingCost.TryLoad(); }
        catch (InvalidDataException) { return null; }
    }
}
