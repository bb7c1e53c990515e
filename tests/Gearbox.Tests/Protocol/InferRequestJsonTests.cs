using System.Text;
using Gearbox.Contracts.Protocol;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

/// <summary>The request body `./gearbox example` and the bench send is one the gateway's parser accepts as the same image.</summary>
public class InferRequestJsonTests
{
    [Theory]
    [InlineData(28, 50.0)]
    [InlineData(56, null)]
    public void The_written_request_parses_back_to_the_same_pixels_and_slo(int side, double? slo)
    {
        var pixels = Enumerable.Range(0, side * side).Select(i => (byte)(i * 7 % 256)).ToArray();

        var parsed = InferRequestParser.Parse(Encoding.UTF8.GetBytes(InferRequestJson.ForImage(pixels, side, slo)), side, "m");

        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Error.Detail);
        Assert.Equal("UINT8", parsed.Value.Datatype);
        Assert.Equal(slo, parsed.Value.SloMs);
        Assert.Equal(pixels.Select(p => p / 255f), Assert.Single(parsed.Value.Images.Floats()));
    }

    [Fact]
    public void A_wrong_pixel_count_is_refused() =>
        Assert.Throws<ArgumentException>(() => InferRequestJson.ForImage(new byte[10], 28, null));
}
