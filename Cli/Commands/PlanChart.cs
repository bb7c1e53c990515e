using System.Globalization;
using System.Text;
using Gearbox.Contracts.Planning;

namespace Gearbox.Cli.Commands;

/// <summary>An SVG chart of a plan: bars of cost per load band (left axis), a line of predicted accuracy (right axis).</summary>
public static class PlanChart
{
    private const int Width = 760, Height = 360, Left = 60, Right = 60, Top = 40, Bottom = 70;

    public static string Svg(GearPlan plan)
    {
        static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        var gears = plan.Gears;
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var maxCost = Math.Max(1e-9, gears.Max(g => g.Cost));
        var (accLo, accHi) = (Math.Min(plan.Request.MinAccuracy, gears.Min(g => g.PredictedAccuracy)) - 0.005, gears.Max(g => g.PredictedAccuracy) + 0.005);
        var slot = plotW / (double)gears.Length;
        double Y(double cost) => Top + plotH * (1 - cost / maxCost);
        double YAcc(double a) => Top + plotH * (1 - (a - accLo) / (accHi - accLo));

        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.AppendLine($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        var r = plan.Request;
        svg.AppendLine($"<text x=\"{Left}\" y=\"20\" font-size=\"13\">Gear plan '{r.Pipeline}': p99 ≤ {F(r.SloMs)} ms, accuracy ≥ {F(r.MinAccuracy)}, {r.Devices} devices (ceiling {F(plan.Ceiling)} req/s)</text>");
        svg.AppendLine($"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Left + plotW}\" y2=\"{Top + plotH}\" stroke=\"black\"/>");
        svg.AppendLine($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"black\"/>");
        svg.AppendLine($"<line x1=\"{Left + plotW}\" y1=\"{Top}\" x2=\"{Left + plotW}\" y2=\"{Top + plotH}\" stroke=\"black\"/>");
        svg.AppendLine($"<text x=\"10\" y=\"{Top - 8}\" fill=\"steelblue\">cost</text><text x=\"{Left + plotW + 5}\" y=\"{Top - 8}\" fill=\"darkred\">accuracy</text>");
        for (var tick = 0; tick <= 4; tick++)
        {
            var c = maxCost * tick / 4;
            var a = accLo + (accHi - accLo) * tick / 4;
            svg.AppendLine($"<text x=\"{Left - 5}\" y=\"{F(Y(c) + 4)}\" text-anchor=\"end\">{F(c)}</text>");
            svg.AppendLine($"<text x=\"{Left + plotW + 5}\" y=\"{F(YAcc(a) + 4)}\">{a:0.000}</text>");
        }
        var points = new List<string>();
        for (var i = 0; i < gears.Length; i++)
        {
            var g = gears[i];
            var x = Left + slot * i;
            svg.AppendLine($"<rect x=\"{F(x + slot * 0.15)}\" y=\"{F(Y(g.Cost))}\" width=\"{F(slot * 0.7)}\" height=\"{F(Top + plotH - Y(g.Cost))}\" fill=\"steelblue\" opacity=\"0.7\"><title>gear {g.Index}: {F(g.MinLoad)}–{F(g.MaxLoad)} req/s, cost {F(g.Cost)}</title></rect>");
            svg.AppendLine($"<text x=\"{F(x + slot / 2)}\" y=\"{Top + plotH + 14}\" text-anchor=\"middle\">{F(g.MaxLoad)}</text>");
            points.Add($"{F(x + slot / 2)},{F(YAcc(g.PredictedAccuracy))}");
        }
        svg.AppendLine($"<polyline points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"darkred\" stroke-width=\"2\"/>");
        foreach (var p in points) svg.AppendLine($"<circle cx=\"{p.Split(',')[0]}\" cy=\"{p.Split(',')[1]}\" r=\"3\" fill=\"darkred\"/>");
        var floorY = YAcc(r.MinAccuracy);
        svg.AppendLine($"<line x1=\"{Left}\" y1=\"{F(floorY)}\" x2=\"{Left + plotW}\" y2=\"{F(floorY)}\" stroke=\"darkred\" stroke-dasharray=\"4 3\"/>");
        svg.AppendLine($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 30}\" text-anchor=\"middle\">band upper edge (requests/s)</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
