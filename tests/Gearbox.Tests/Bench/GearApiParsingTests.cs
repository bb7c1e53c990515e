using System.Text;
using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class GearApiParsingTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_served_plan_is_read_with_its_gears_request_and_ceiling()
    {
        var plan = ServedPlan.Parse(U("""
            {"version":4,"createdAt":"2026-12-01T00:00:00Z","request":{"pipeline":"fashion","sloMs":100,"minAccuracy":0.9,"devices":2},
             "gears":[{"index":1,"minLoad":62.5,"maxLoad":125,"thresholds":{"mlp":0.9},"predictedAccuracy":0.91,"predictedP99Ms":20,"cost":2,"devices":2,
                       "simulatedP99Ms":18,"simulatedAttainment":0.999,"threads":{"mlp":1}},
                      {"index":0,"minLoad":0,"maxLoad":62.5}],
             "ceiling":4000,"planningMs":12,"notes":["a note"]}
            """));

        Assert.Equal(4, plan.Version);
        Assert.Equal(100, plan.SloMs);
        Assert.Equal(0.9, plan.MinAccuracy);
        Assert.Equal(4000, plan.Ceiling);
        Assert.Equal([0, 1], plan.Gears.Select(g => g.Index));
        Assert.Equal(new PlanGear(1, 62.5, 125, 0.91, 20, 18, 0.999, 2), plan.Gears[1]);
        Assert.Equal(new PlanGear(0, 0, 62.5, null, null, null, null, null), plan.Gears[0]);
        Assert.Equal(["a note"], plan.Notes);
    }

    [Fact]
    public void Pascal_case_and_numbers_as_strings_are_read_too()
    {
        var plan = ServedPlan.Parse(U("""{"Version":1,"Gears":[{"Index":0,"MinLoad":0,"MaxLoad":"Infinity"}]}"""));

        Assert.Equal(double.PositiveInfinity, plan.Gears[0].MaxLoad);
        Assert.Null(plan.Ceiling);
        Assert.Null(plan.SloMs);
    }

    [Theory]
    [InlineData("""{"version":1,"gears":[]}""")]
    [InlineData("""{"version":1,"gears":[{"index":0}]}""")]
    [InlineData("""[1,2]""")]
    public void A_plan_without_usable_gears_is_refused(string json) =>
        Assert.Throws<InvalidDataException>(() => ServedPlan.Parse(U(json)));

    [Fact]
    public void The_gear_state_is_read_from_new_and_old_gateways()
    {
        var now = GearState.Parse(U("""{"mode":"auto","gearIndex":3,"planVersion":2,"band":{"minLoad":100,"maxLoad":200},"estimate":{"rate":150.5,"burst":true},"extra":1}"""));
        var old = GearState.Parse(U("""{"planVersion":2,"gearIndex":5,"load":null,"overCeiling":false,"appliedAt":"2026-12-01T00:00:00Z","gear":{"index":5}}"""));

        Assert.Equal(new GearState("auto", 3, 2, 100, 200, 150.5, true), now);
        Assert.Equal(new GearState(null, 5, 2, null, null, null, null), old);
    }

    [Fact]
    public void The_switch_history_is_read_in_time_order_and_filtered_to_the_run()
    {
        var history = GearSwitch.ParseHistory(U("""
            {"switches":[{"at":"2026-12-01T10:00:30Z","from":4,"to":1,"load":190.5,"reason":"rate below band"},
                         {"at":"2026-12-01T10:00:21.5Z","from":1,"to":4,"load":790,"reason":"rate above band"},
                         {"at":"2026-12-01T09:00:00Z","from":null,"to":1,"load":0},
                         {"from":1,"to":2}]}
            """));

        Assert.Equal(3, history.Length);
        Assert.Equal(4, history[2].From);
        Assert.Null(history[0].From);
        var start = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        var during = GearSwitch.During(history, start, start.AddSeconds(70));
        Assert.Equal([(1, 4), (4, 1)], during.Select(s => (s.From!.Value, s.To!.Value)));
        Assert.Equal(21.5, (during[0].At - start).TotalSeconds);
        Assert.Equal("rate above band", during[0].Reason);
        Assert.Single(GearSwitch.ParseHistory(U("""[{"at":"2026-12-01T10:00:00Z","from":0,"to":1}]""")));
        Assert.Empty(GearSwitch.ParseHistory(U("""{"other":1}""")));
    }

    [Theory]
    [InlineData(404, "", true, "HTTP 404")]
    [InlineData(404, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404}""", true, "HTTP 404: Not Found")]
    [InlineData(405, "", true, "HTTP 405")]
    [InlineData(404, """{"title":"No plan","status":404,"detail":"Pipeline 'fashion' has no gear plan yet."}""", false, "HTTP 404: Pipeline 'fashion' has no gear plan yet.")]
    [InlineData(400, """{"title":"Invalid gear request","status":400,"detail":"Give exactly one."}""", false, "HTTP 400: Give exactly one.")]
    [InlineData(500, "boom", false, "HTTP 500: boom")]
    public void A_missing_endpoint_is_told_apart_from_the_endpoints_own_refusal(int status, string body, bool missing, string problem)
    {
        var answer = ControlAnswer.From(status, U(body));

        Assert.False(answer.Ok);
        Assert.Equal(missing, answer.EndpointMissing);
        Assert.Equal(problem, answer.Problem);
        Assert.True(ControlAnswer.From(200, U("{}")).Ok);
    }
}
