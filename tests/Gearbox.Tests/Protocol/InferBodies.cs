using System.Globalization;
using System.Text;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

/// <summary>Builds infer request bodies for the protocol tests.</summary>
internal static class InferBodies
{
    /// <summary>A deterministic test image: pixel p of item i is (p + 7i) mod 256.</summary>
    public static byte Pixel(int item, int p) => (byte)((p + 7 * item) % 256);

    public static string Uint8Data(int items, int side) =>
        string.Join(",", Enumerable.Range(0, items * side * side).Select(k => Pixel(k / (side * side), k % (side * side)).ToString(CultureInfo.InvariantCulture)));

    public static string Fp32Data(int items, int side) =>
        string.Join(",", Enumerable.Range(0, items * side * side).Select(k => (Pixel(k / (side * side), k % (side * side)) / 255.0).ToString("R", CultureInfo.InvariantCulture)));

    public static string Input(string datatype, string shape, string data, string name = "image") =>
        $$"""{"name":"{{name}}","datatype":"{{datatype}}","shape":{{shape}},"data":[{{data}}]}""";

    public static string Body(string input, string? extra = null) =>
        $$"""{"inputs":[{{input}}]{{(extra is null ? "" : "," + extra)}}}""";

    public static string Uint8(int items, int side = 28, string? extra = null) =>
        Body(Input("UINT8", $"[{items},{side},{side}]", Uint8Data(items, side)), extra);

    public static ProtocolResult<InferRequest> Parse(string body, int side = 28) =>
        InferRequestParser.Parse(Encoding.UTF8.GetBytes(body), side, "fashion");

    /// <summary>Asserts the parse failed with the given status and code, and returns the error.</summary>
    public static ProtocolError Fails(string body, int status, string code, int side = 28)
    {
        var result = Parse(body, side);
        Assert.False(result.IsOk, $"Expected {status} {code}, but the body parsed.");
        Assert.Equal(code, result.Error.Code);
        Assert.Equal(status, result.Error.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Detail));
        return result.Error;
    }
}
