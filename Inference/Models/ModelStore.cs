using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Gearbox.Models;

/// <summary>Saves and loads a model's weights with its metadata, checking one against the other.</summary>
public sealed class ModelStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = directory;

    public string WeightsPath(string name) => Path.Combine(Directory, $"{name}.weights");
    public string MetadataPath(string name) => Path.Combine(Directory, $"{name}.json");

    public bool Has(string name) => File.Exists(WeightsPath(name)) && File.Exists(MetadataPath(name));

    public void Save(nn.Module<Tensor, Tensor> module, ModelMetadata metadata)
    {
        System.IO.Directory.CreateDirectory(Directory);
        module.save(WeightsPath(metadata.Name));
        File.WriteAllText(MetadataPath(metadata.Name), JsonSerializer.Serialize(metadata, Json));
    }

    public ModelMetadata ReadMetadata(string name)
    {
        var path = MetadataPath(name);
        if (!File.Exists(path))
            throw new ModelLoadException($"Model '{name}' has no metadata at '{path}'. Run './gearbox train' to train it.");
        try
        {
            return JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllText(path), Json)
                ?? throw new ModelLoadException($"Metadata '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"Metadata '{path}' is not valid JSON ({e.Message}). Run './gearbox train' to retrain.");
        }
    }

    /// <summary>Builds the code's architecture for <paramref name="spec"/> and loads the stored weights into it.</summary>
    public (nn.Module<Tensor, Tensor> Module, ModelMetadata Metadata) Load(ModelSpec spec)
    {
        var metadata = ReadMetadata(spec.Name);
        var module = spec.Create();
        var expected = ArchitectureSignature.Of(module);
        var mismatch =
            metadata.Name != spec.Name ? $"it names model '{metadata.Name}'" :
            metadata.Kind != spec.Kind.ToString() ? $"its kind is {metadata.Kind}, the code's is {spec.Kind}" :
            !metadata.InputShape.SequenceEqual(spec.InputShape) ? $"its input shape is [{string.Join(",", metadata.InputShape)}], the code's is [{string.Join(",", spec.InputShape)}]" :
            metadata.Outputs != spec.Outputs ? $"it has {metadata.Outputs} outputs, the code has {spec.Outputs}" :
            metadata.Architecture != expected ? "its layers differ from the code's architecture" :
            null;
        if (mismatch is not null)
        {
            module.Dispose();
            throw new ModelLoadException(
                $"Model '{spec.Name}' at '{WeightsPath(spec.Name)}' does not match the code: {mismatch}. Run './gearbox train' to retrain it.");
        }
        if (!File.Exists(WeightsPath(spec.Name)))
            throw new ModelLoadException($"Model '{spec.Name}' has no weights at '{WeightsPath(spec.Name)}'. Run './gearbox train'.");
        module.load(WeightsPath(spec.Name));
        module.eval();
        return (module, metadata);
    }
}

public sealed class ModelLoadException(string message) : Exception(message);
