using TorchSharp;

namespace Gearbox.Inference;

/// <summary>Chooses the torch device: the one asked for if it exists, else cuda:0 when CUDA is present, else cpu.</summary>
public static class DevicePicker
{
    /// <summary>CUDA devices TorchSharp sees (0 on a CPU-only build or machine).</summary>
    public static int CudaDevices() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    public static string Pick(string? requested = null)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested == "auto")
            return torch.cuda.is_available() ? "cuda:0" : "cpu";
        if (requested == "cpu") return requested;
        if (requested.StartsWith("cuda", StringComparison.Ordinal))
        {
            var index = requested == "cuda" ? 0 : int.TryParse(requested.AsSpan(5), out var n) ? n : -1;
            if (index < 0 || requested.Length > 4 && requested[4] != ':')
                throw new ArgumentException($"Device '{requested}' is not 'cpu', 'cuda' or 'cuda:N'.");
            if (!torch.cuda.is_available() || index >= torch.cuda.device_count())
                throw new ArgumentException($"Device '{requested}' is not available here ({torch.cuda.device_count()} CUDA devices; this build: {(torch.cuda.is_available() ? "CUDA" : "CPU only")}).");
            return $"cuda:{index}";
        }
        throw new ArgumentException($"Device '{requested}' is not 'cpu', 'cuda' or 'cuda:N'.");
    }
}
