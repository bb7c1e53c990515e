using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Gearbox.Models;

/// <summary>The network of each model of the zoo: the torch half of <see cref="ModelSpec"/>, which stays free of TorchSharp.</summary>
public static class ModelNetworks
{
    private static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Networks = new(StringComparer.Ordinal)
    {
        [ModelZoo.Mlp.Name] = Architectures.Mlp,
        [ModelZoo.SmallCnn.Name] = Architectures.SmallCnn,
        [ModelZoo.LargeCnn.Name] = Architectures.LargeCnn,
        [ModelZoo.GridTiles.Name] = Architectures.GridTiles,
    };

    /// <summary>A new, untrained network for the model.</summary>
    public static Module<Tensor, Tensor> Create(this ModelSpec spec) =>
        Networks.TryGetValue(spec.Name, out var create) ? create()
            : throw new KeyNotFoundException($"Model '{spec.Name}' has no network.");
}
