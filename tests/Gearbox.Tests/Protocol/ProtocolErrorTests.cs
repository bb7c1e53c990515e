using System.Text.Json;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

public class ProtocolErrorTests
{
    [Fact]
    public void Problem_details_carry_type_title_status_detail_and_the_pointer()
    {
        var error = InferBodies.Fails(InferBodies.Body(InferBodies.Input("UINT8", "[1,56,56]", "1")), 400, "wrong-image-side");

        var problem = error.ToProblemDetails();

        Assert.Equal("urn:gearbox:problem:wrong-image-side", problem.Type);
        Assert.Equal("Wrong image side", problem.Title);
        Assert.Equal(400, problem.Status);
        Assert.Equal(error.Detail, problem.Detail);
        var json = JsonSerializer.Serialize(problem, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using var document = JsonDocument.Parse(json);
        var entry = document.RootElement.GetProperty("errors")[0];
        Assert.Equal("/inputs/0/shape", entry.GetProperty("pointer").GetString());
        Assert.Equal(error.Detail, entry.GetProperty("detail").GetString());
    }

    [Fact]
    public void Errors_without_a_pointer_have_no_errors_member() =>
        Assert.False(ProtocolErrors.DeadlineExceeded("late").ToProblemDetails().Extensions.ContainsKey("errors"));

    [Fact]
    public void Endpoint_errors_have_their_statuses()
    {
        Assert.Equal(404, ProtocolErrors.ModelNotFound("nope", ["fashion"]).Status);
        var overloaded = ProtocolErrors.Overloaded("queue full", retryAfterSeconds: 2);
        Assert.Equal(503, overloaded.Status);
        Assert.Equal(2, overloaded.RetryAfterSeconds);
        Assert.Equal(504, ProtocolErrors.DeadlineExceeded("late").Status);
    }

    [Fact]
    public void Every_code_has_one_title()
    {
        var errors = new[]
        {
            ProtocolErrors.MalformedJson("a"), ProtocolErrors.MalformedJson("b"), ProtocolErrors.InvalidRequest("a"),
            ProtocolErrors.UnsupportedDatatype("a"), ProtocolErrors.InvalidShape("a"), ProtocolErrors.WrongImageSide("a"),
            ProtocolErrors.ShapeDataMismatch("a"), ProtocolErrors.ValueOutOfRange("a"), ProtocolErrors.InvalidSlo("a"),
            ProtocolErrors.InvalidSentAt("a"), ProtocolErrors.TooManyItems("a"), ProtocolErrors.BodyTooLarge(1L << 30),
        };
        Assert.All(errors.GroupBy(e => e.Code), g => Assert.Single(g.Select(e => e.Title).Distinct()));
        Assert.Equal(errors.Length - 1, errors.Select(e => e.Code).Distinct().Count());
    }
}
