using System.Text;
using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Gateway.Protocol;
using static Gearbox.Tests.Protocol.InferBodies;

namespace Gearbox.Tests.Protocol;

public class InferRequestParserRoundTripTests
{
    [Fact]
    public void Uint8_image_decodes_to_the_same_floats_as_the_dataset_loader()
    {
        var result = Parse(Uint8(2));

        Assert.True(result.IsOk, result.ToString());
        var pixels = Enumerable.Range(0, 2 * 784).Select(k => Pixel(k / 784, k % 784)).ToArray();
        var expected = new ImageSet(pixels, [0, 0], 28, 28).ToFloats(0, 2);
        Assert.Equal(2, result.Value.Count);
        Assert.Equal(expected[..784], result.Value.Images.Floats()[0]);
        Assert.Equal(expected[784..], result.Value.Images.Floats()[1]);
        Assert.Equal(0f, result.Value.Images.Floats()[0][0]);
        Assert.Equal(255 / 255f, result.Value.Images.Floats()[0][255]);
        Assert.Equal(10 / 255f, result.Value.Images.Floats()[1][3]);
        Assert.Equal("UINT8", result.Value.Datatype);
    }

    [Fact]
    public void Fp32_image_keeps_its_values()
    {
        var result = Parse(Body(Input("FP32", "[1,784]", "0,0.5,1," + string.Join(",", Enumerable.Repeat("0.25", 781)))));

        Assert.True(result.IsOk, result.ToString());
        var item = Assert.Single(result.Value.Images.Floats());
        Assert.Equal([0f, 0.5f, 1f, 0.25f], item[..4]);
        Assert.Equal(784, item.Length);
    }

    [Fact]
    public void Fp32_values_match_the_floats_they_were_printed_from()
    {
        var result = Parse(Body(Input("FP32", "[1,28,28]", Fp32Data(1, 28))));

        Assert.True(result.IsOk, result.ToString());
        for (var p = 0; p < 784; p++) Assert.Equal((float)(Pixel(0, p) / 255.0), result.Value.Images.Floats()[0][p]);
    }

    [Theory]
    [InlineData("[3,28,28]")]
    [InlineData("[3,1,28,28]")]
    [InlineData("[3,784]")]
    public void Every_accepted_shape_gives_the_same_items(string shape)
    {
        var reference = Parse(Uint8(3)).Value!;
        var result = Parse(Body(Input("UINT8", shape, Uint8Data(3, 28))));

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(reference.Images.Floats(), result.Value.Images.Floats());
    }

    [Fact]
    public void Nested_data_matching_the_shape_equals_flat_data()
    {
        var rows = Enumerable.Range(0, 2).Select(i =>
            "[" + string.Join(",", Enumerable.Range(0, 28).Select(y =>
                "[" + string.Join(",", Enumerable.Range(0, 28).Select(x => Pixel(i, y * 28 + x))) + "]")) + "]");
        var nested = $$"""{"inputs":[{"name":"image","datatype":"UINT8","shape":[2,28,28],"data":[{{string.Join(",", rows)}}]}]}""";

        var result = Parse(nested);

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(Parse(Uint8(2)).Value!.Images.Floats(), result.Value.Images.Floats());
    }

    [Fact]
    public void Grid_side_56_is_decoded()
    {
        var result = Parse(Uint8(2, side: 56), side: 56);

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(2, result.Value.Count);
        Assert.All(result.Value.Images.Floats(), item => Assert.Equal(56 * 56, item.Length));
        Assert.Equal(Pixel(1, 3000) / 255f, result.Value.Images.Floats()[1][3000]);
    }

    [Fact]
    public void Id_and_slo_are_read_and_members_may_come_in_any_order()
    {
        var body = $$"""
            {"parameters":{"other":[1,{"x":2}],"slo_ms":37.5},"outputs":[{"name":"label"}],"id":"req-7",
             "inputs":[{"data":[{{Uint8Data(1, 28)}}],"parameters":{"binary_data_size":0},"shape":[1,28,28],"datatype":"UINT8","name":"image"}]}
            """;

        var result = Parse(body);

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("req-7", result.Value.Id);
        Assert.Equal(37.5, result.Value.SloMs);
        Assert.Equal(Parse(Uint8(1)).Value!.Images.Floats(), result.Value.Images.Floats());
    }

    [Fact]
    public void Without_id_and_slo_both_are_null()
    {
        var result = Parse(Uint8(1));

        Assert.True(result.IsOk, result.ToString());
        Assert.Null(result.Value.Id);
        Assert.Null(result.Value.SloMs);
    }

    [Fact]
    public void Largest_slo_is_accepted()
    {
        Assert.Equal(ProtocolLimits.MaxSloMs, Parse(Uint8(1, extra: "\"parameters\":{\"slo_ms\":60000}")).Value!.SloMs);
    }

    [Fact]
    public void Pipeline_overload_uses_the_pipelines_side()
    {
        var grid = new PipelineDefinition("fashion-grid", 56, 100, [new StageDefinition("tiles", StageKind.TileSplit, ["grid-tiles"])]);

        var result = InferRequestParser.Parse(Encoding.UTF8.GetBytes(Uint8(1, side: 56)), grid);

        Assert.True(result.IsOk, result.ToString());
    }
}
