using TorchSharp;

namespace Gearbox.Tests.Foundation;

public class NativeLoadTests
{
    [Fact]
    public void Libtorch_loads_from_the_build_output_and_computes()
    {
        Assert.Equal(6f, torch.tensor(new float[] { 1, 2, 3 }).sum().item<float>());
        // TorchSharp's fallback copies the unpatched native files into "cpu/" beside the build; the
        // patched copy under runtimes/ must have loaded first, so that folder must not exist.
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")),
            "TorchSharp fell back to copying libtorch from the NuGet cache: the build's own copy did not load.");
    }
}
