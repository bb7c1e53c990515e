namespace Gearbox.Storage;

/// <summary>
/// A model in the registry: which weights file (a path or URL) a name and version stand for, with
/// free-form metadata as a JSON object (architecture, input shape, training run, ...).
/// </summary>
public sealed record ModelRegistration(string Name, string Version, string WeightsLocation, string MetadataJson);
