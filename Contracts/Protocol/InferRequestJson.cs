using System.Globalization;
using System.Text;

namespace Gearbox.Contracts.Protocol;

/// <summary>
/// Writes an Open Inference Protocol infer request for one square UINT8 image (the body a client such
/// as curl or the bench sends to POST /v2/models/{name}/infer).
/// </summary>
public static class InferRequestJson
{
    public static string ForImage(ReadOnlySpan<byte> pixels, int side, double? sloMs)
    {
        if (pixels.Length != side * side)
            throw new ArgumentException($"{pixels.Length} pixels are not a {side}x{side} image.", nameof(pixels));
        var text = new StringBuilder(pixels.Length * 4 + 160);
        text.Append(CultureInfo.InvariantCulture, $$"""{"inputs":[{"name":"image","datatype":"UINT8","shape":[1,{{side}},{{side}}],"data":[""");
        for (var p = 0; p < pixels.Length; p++)
        {
            if (p > 0) text.Append(',');
            text.Append(pixels[p]);
        }
        text.Append("]}]");
        if (sloMs is { } slo) text.Append(CultureInfo.InvariantCulture, $$$""","parameters":{"slo_ms":{{{slo}}}}""");
        text.Append('}');
        return text.ToString();
    }
}
