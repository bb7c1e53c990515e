using static TorchSharp.torch;

namespace Gearbox.Models;

/// <summary>A text that names every parameter and buffer with its shape: equal texts load into each other.</summary>
public static class ArchitectureSignature
{
    public static string Of(nn.Module module) => string.Join(";",
        module.named_parameters().Select(p => $"{p.name}:{string.Join("x", p.parameter.shape)}")
            .Concat(module.named_buffers().Select(b => $"{b.name}:{string.Join("x", b.buffer.shape)}")));

    public static long ParameterCount(nn.Module module) => module.parameters().Sum(p => p.numel());
}
