using System.Text;
using Gearbox.Gateway.Protocol;
using static Gearbox.Tests.Protocol.InferBodies;

namespace Gearbox.Tests.Protocol;

public class InferRequestParserErrorTests
{
    private static readonly string OneImage = Uint8Data(1, 28);

    [Theory]
    [InlineData("{\"inputs\":[")]
    [InlineData("{\"inputs\":[]]")]
    [InlineData("{inputs:[]}")]
    [InlineData("{\"inputs\":[{\"name\":\"image\",}]}")]
    [InlineData("not json")]
    public void Malformed_json_is_400(string body)
    {
        var error = Fails(body, 400, "malformed-json");
        Assert.Contains("not valid JSON", error.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Empty_body_is_400_malformed(string body) => Fails(body, 400, "malformed-json");

    [Fact]
    public void Content_after_the_request_object_is_400_malformed() =>
        Fails(Uint8(1) + " {}", 400, "malformed-json");

    [Fact]
    public void Malformed_json_names_the_line_and_byte()
    {
        var error = Fails("{\n  \"inputs\": [\n    oops\n  ]\n}", 400, "malformed-json");
        Assert.Contains("line 3", error.Detail);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NaN_or_infinity_in_fp32_data_is_400_with_its_own_reason(string literal)
    {
        var body = Body(Input("FP32", "[1,784]", literal + "," + string.Join(",", Enumerable.Repeat("0", 783))));

        var error = Fails(body, 400, "value-out-of-range");

        Assert.Contains("NaN or Infinity", error.Detail);
    }

    [Fact]
    public void Number_too_large_for_a_double_is_400_out_of_range() =>
        Fails(Body(Input("FP32", "[1,784]", "1e400," + string.Join(",", Enumerable.Repeat("0", 783)))), 400, "value-out-of-range");

    [Theory]
    [InlineData("[]")]
    [InlineData("\"image\"")]
    [InlineData("42")]
    public void Body_that_is_not_an_object_is_400(string body) => Fails(body, 400, "invalid-request");

    [Fact]
    public void Missing_inputs_is_400()
    {
        var error = Fails("""{"id":"x","parameters":{"slo_ms":50}}""", 400, "invalid-request");
        Assert.Contains("no 'inputs'", error.Detail);
    }

    [Fact]
    public void Empty_inputs_is_400() =>
        Assert.Equal("/inputs", Fails("""{"inputs":[]}""", 400, "invalid-request").Pointer);

    [Fact]
    public void Inputs_that_is_not_an_array_is_400() =>
        Fails("""{"inputs":{"name":"image"}}""", 400, "invalid-request");

    [Fact]
    public void Input_that_is_not_an_object_is_400() =>
        Fails("""{"inputs":[[1,2,3]]}""", 400, "invalid-request");

    [Fact]
    public void Two_inputs_are_400()
    {
        var input = Input("UINT8", "[1,28,28]", OneImage);
        Assert.Equal("/inputs/1", Fails($$"""{"inputs":[{{input}},{{input}}]}""", 400, "invalid-request").Pointer);
    }

    [Fact]
    public void Duplicate_inputs_member_is_400() =>
        Fails($$"""{"inputs":[{{Input("UINT8", "[1,28,28]", OneImage)}}],"inputs":[]}""", 400, "invalid-request");

    [Theory]
    [InlineData("name")]
    [InlineData("datatype")]
    [InlineData("shape")]
    [InlineData("data")]
    public void Input_missing_a_member_is_400_naming_it(string member)
    {
        var members = new Dictionary<string, string>
        {
            ["name"] = "\"image\"", ["datatype"] = "\"UINT8\"", ["shape"] = "[1,28,28]", ["data"] = $"[{OneImage}]",
        };
        members.Remove(member);
        var body = "{\"inputs\":[{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}]}";

        var error = Fails(body, 400, "invalid-request");

        Assert.Contains($"'{member}'", error.Detail);
    }

    [Fact]
    public void Unknown_input_name_is_400() =>
        Assert.Equal("/inputs/0/name", Fails(Body(Input("UINT8", "[1,28,28]", OneImage, name: "pixels")), 400, "invalid-request").Pointer);

    [Theory]
    [InlineData("INT32")]
    [InlineData("FP16")]
    [InlineData("BYTES")]
    [InlineData("uint8")]
    public void Unsupported_datatype_is_400(string datatype)
    {
        var error = Fails(Body(Input(datatype, "[1,28,28]", OneImage)), 400, "unsupported-datatype");
        Assert.Contains(datatype, error.Detail);
        Assert.Equal("/inputs/0/datatype", error.Pointer);
    }

    [Fact]
    public void Datatype_that_is_not_a_string_is_400() =>
        Fails($$"""{"inputs":[{"name":"image","datatype":8,"shape":[1,28,28],"data":[{{OneImage}}]}]}""", 400, "invalid-request");

    [Theory]
    [InlineData("[1,28,28,1,1]")]
    [InlineData("[784]")]
    [InlineData("[1,3,28,28]")]
    [InlineData("[1,28,27]")]
    [InlineData("[1,780]")]
    [InlineData("[1,-28,28]")]
    [InlineData("[1,28.5,28]")]
    [InlineData("[1,\"28\",28]")]
    [InlineData("\"1,28,28\"")]
    public void Invalid_shape_is_400(string shape) =>
        Fails(Body(Input("UINT8", shape, OneImage)), 400, "invalid-shape");

    [Fact]
    public void Shape_with_no_items_is_400() =>
        Fails(Body(Input("UINT8", "[0,28,28]", "")), 400, "invalid-shape");

    [Theory]
    [InlineData("[1,56,56]", 28)]
    [InlineData("[1,3136]", 28)]
    [InlineData("[1,1,56,56]", 28)]
    [InlineData("[1,28,28]", 56)]
    [InlineData("[1,784]", 56)]
    public void Wrong_image_side_is_400_naming_both_sides(string shape, int side)
    {
        var error = Fails(Body(Input("UINT8", shape, OneImage)), 400, "wrong-image-side", side);
        Assert.Contains($"{side}x{side}", error.Detail);
        Assert.Equal("/inputs/0/shape", error.Pointer);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(783)]
    [InlineData(785)]
    public void Data_length_that_does_not_match_the_shape_is_400(int values)
    {
        var data = string.Join(",", Enumerable.Repeat("1", values));
        var shape = values == 2 ? "[1,784]" : "[1,28,28]";

        var error = Fails(Body(Input("UINT8", shape, data)), 400, "shape-data-mismatch");

        Assert.Contains($"holds {values}", error.Detail);
    }

    [Fact]
    public void Two_images_of_data_under_a_one_image_shape_is_400() =>
        Fails(Body(Input("UINT8", "[1,28,28]", Uint8Data(2, 28))), 400, "shape-data-mismatch");

    [Fact]
    public void Nested_data_that_is_not_the_shape_is_400()
    {
        var rows = string.Join(",", Enumerable.Range(0, 28).Select(_ => "[" + string.Join(",", Enumerable.Repeat("1", 28)) + "]"));
        var error = Fails(Body(Input("UINT8", "[1,784]", "[" + rows + "]")), 400, "shape-data-mismatch");
        Assert.Contains("nested as [1,28,28]", error.Detail);
    }

    [Theory]
    [InlineData("[1,2],[3]")]
    [InlineData("1,[2]")]
    [InlineData("[1],2")]
    public void Ragged_nested_data_is_400(string data) =>
        Fails(Body(Input("UINT8", "[1,28,28]", data)), 400, "shape-data-mismatch");

    [Fact]
    public void Data_nested_deeper_than_rank_four_is_400() =>
        Fails(Body(Input("UINT8", "[1,1,28,28]", "[[[[1]]]]")), 400, "shape-data-mismatch");

    [Theory]
    [InlineData("\"12\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{\"v\":1}")]
    public void Data_element_that_is_not_a_number_is_400_with_its_pointer(string element)
    {
        var data = "1,2," + element + "," + string.Join(",", Enumerable.Repeat("1", 781));
        var error = Fails(Body(Input("UINT8", "[1,784]", data)), 400, "invalid-request");
        Assert.Equal("/inputs/0/data/2", error.Pointer);
    }

    [Fact]
    public void Data_that_is_not_an_array_is_400() =>
        Fails($$"""{"inputs":[{"name":"image","datatype":"UINT8","shape":[1,784],"data":"AAAA"}]}""", 400, "invalid-request");

    [Theory]
    [InlineData("12.5")]
    [InlineData("256")]
    [InlineData("-1")]
    [InlineData("1000000")]
    public void Uint8_value_that_is_not_a_byte_is_400_with_its_pointer(string value)
    {
        var data = string.Join(",", Enumerable.Repeat("7", 500)) + "," + value + "," + string.Join(",", Enumerable.Repeat("7", 283));

        var error = Fails(Body(Input("UINT8", "[1,784]", data)), 400, "value-out-of-range");

        Assert.Equal("/inputs/0/data/500", error.Pointer);
        Assert.Contains("value 500 is " + value, error.Detail);
    }

    [Fact]
    public void Uint8_value_error_in_nested_data_points_into_the_nesting()
    {
        var rows = Enumerable.Range(0, 28).Select(y => "[" + string.Join(",", Enumerable.Range(0, 28).Select(x => y == 3 && x == 5 ? "300" : "0")) + "]");
        var error = Fails(Body(Input("UINT8", "[1,28,28]", "[" + string.Join(",", rows) + "]")), 400, "value-out-of-range");
        Assert.Equal("/inputs/0/data/0/3/5", error.Pointer);
    }

    [Fact]
    public void Integral_uint8_written_with_a_fraction_is_accepted() =>
        Assert.True(Parse(Body(Input("UINT8", "[1,784]", "255.0," + string.Join(",", Enumerable.Repeat("0", 783))))).IsOk);

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.01")]
    [InlineData("255")]
    public void Fp32_value_outside_zero_to_one_is_400(string value)
    {
        var data = value + "," + string.Join(",", Enumerable.Repeat("0.5", 783));
        var error = Fails(Body(Input("FP32", "[1,784]", data)), 400, "value-out-of-range");
        Assert.Equal("/inputs/0/data/0", error.Pointer);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("60000.5")]
    [InlineData("1e9")]
    [InlineData("\"50\"")]
    [InlineData("null")]
    [InlineData("[50]")]
    public void Bad_slo_is_400(string slo)
    {
        var error = Fails(Uint8(1, extra: $"\"parameters\":{{\"slo_ms\":{slo}}}"), 400, "invalid-slo");
        Assert.Equal("/parameters/slo_ms", error.Pointer);
    }

    [Fact]
    public void Parameters_that_is_not_an_object_is_400() =>
        Fails(Uint8(1, extra: "\"parameters\":[1]"), 400, "invalid-request");

    [Theory]
    [InlineData("7")]
    [InlineData("{}")]
    public void Id_that_is_not_a_string_is_400(string id) =>
        Assert.Equal("/id", Fails(Uint8(1, extra: $"\"id\":{id}"), 400, "invalid-request").Pointer);

    [Fact]
    public void More_items_than_the_limit_in_the_shape_is_413()
    {
        var error = Fails(Body(Input("UINT8", $"[{ProtocolLimits.MaxItems + 1},784]", "1")), 413, "too-many-items");
        Assert.Contains(ProtocolLimits.MaxItems.ToString(), error.Detail);
    }

    [Fact]
    public void More_data_than_the_item_limit_is_413_even_before_the_shape()
    {
        var data = Uint8Data(ProtocolLimits.MaxItems + 1, 28);
        var body = $$"""{"inputs":[{"name":"image","datatype":"UINT8","data":[{{data}}],"shape":[1,784]}]}""";
        Fails(body, 413, "too-many-items");
    }

    [Fact]
    public void Body_over_the_byte_limit_is_413()
    {
        var body = new byte[ProtocolLimits.MaxBodyBytes + 1];
        body.AsSpan().Fill((byte)' ');

        var result = InferRequestParser.Parse(body, 28, "fashion");

        Assert.Equal(413, result.Error!.Status);
        Assert.Equal("body-too-large", result.Error.Code);
    }

    [Fact]
    public void Deeply_nested_json_is_400_not_an_exception()
    {
        var body = "{\"inputs\":[{\"name\":\"image\",\"extra\":" + new string('[', 5000) + new string(']', 5000) + "}]}";
        Fails(body, 400, "malformed-json");
    }

    [Fact]
    public void Garbage_of_every_prefix_length_never_throws()
    {
        var body = Encoding.UTF8.GetBytes(Uint8(1, extra: "\"id\":\"a\",\"parameters\":{\"slo_ms\":20}"));
        for (var length = 0; length < body.Length; length += 97)
        {
            var result = InferRequestParser.Parse(body.AsSpan(0, length), 28, "fashion");
            Assert.False(result.IsOk);
            Assert.Equal(400, result.Error.Status);
        }
    }
}
