using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Gearbox.Bench;

/// <summary>
/// The --svg timeline of a trace run (OxyPlot, exported as SVG with no native code): four panels on one
/// time axis, top to bottom: the offered rate per second (the trace, and what was actually sent), each
/// system's p99 per second (of the 200s sent in that second, with the SLO line), each system's gear index,
/// and each system's devices held, from GET /gear sampled once per second.
/// </summary>
public static class TraceChart
{
    public const double Width = 1100, Height = 900;

    /// <summary>Per system, so staircases that coincide (two systems in the same gear) still show each other.</summary>
    private static readonly LineStyle[] Styles = [LineStyle.Solid, LineStyle.Dash, LineStyle.Dot, LineStyle.DashDot, LineStyle.LongDash, LineStyle.DashDashDot];

    private static readonly OxyColor[] Colors =
    [
        OxyColor.FromRgb(0x1f, 0x77, 0xb4), OxyColor.FromRgb(0xd6, 0x27, 0x28), OxyColor.FromRgb(0x2c, 0xa0, 0x2c),
        OxyColor.FromRgb(0x94, 0x67, 0xbd), OxyColor.FromRgb(0xff, 0x7f, 0x0e), OxyColor.FromRgb(0x8c, 0x56, 0x4b),
    ];

    public static PlotModel Model(LoadTrace trace, double sloMs, IReadOnlyList<SystemResult> systems)
    {
        var model = new PlotModel
        {
            Title = $"Trace '{trace.Name}': {trace.Seconds} s, mean {CompareTable.F(trace.MeanRate, 1)} req/s, peak {CompareTable.F(trace.PeakRate, 1)} req/s",
            Subtitle = $"SLO {CompareTable.F(sloMs, 1)} ms; " + string.Join(", ", systems.Select(s => s.Figures is null ? $"{s.Name}: {s.Status.ToString().ToLowerInvariant()}" : s.Name)),
            Background = OxyColors.White,
            PlotAreaBorderThickness = new OxyThickness(0),
        };
        model.Legends.Add(new Legend
        {
            LegendPosition = LegendPosition.TopCenter, LegendPlacement = LegendPlacement.Outside, LegendOrientation = LegendOrientation.Horizontal,
            LegendBorderThickness = 0,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "seconds from the start of the trace", Minimum = 0, Maximum = Math.Max(1, trace.Seconds),
            MajorGridlineStyle = LineStyle.Dot,
        });
        var haveDevices = systems.Any(s => s.Samples.Any(x => x.Devices is not null));
        var haveGears = systems.Any(s => s.Samples.Any(x => x.GearIndex is not null));
        model.Axes.Add(Panel("rate", "offered req/s", 0.77, 1.0, 0));
        model.Axes.Add(Panel("p99", "p99 ms", 0.52, 0.73, 0));
        model.Axes.Add(Panel("gear", haveGears ? "gear index" : "gear index (n/a)", 0.27, 0.48, 0, wholeNumbers: true));
        model.Axes.Add(Panel("devices", haveDevices ? "devices held" : "devices (n/a)", 0.0, 0.23, 0, wholeNumbers: true));

        var offered = new StairStepSeries { Title = "offered (trace)", YAxisKey = "rate", Color = OxyColors.Black, StrokeThickness = 1.5 };
        for (var t = 0; t < trace.Seconds; t++) offered.Points.Add(new DataPoint(t, trace.Rates[t]));
        if (trace.Seconds > 0) offered.Points.Add(new DataPoint(trace.Seconds, trace.Rates[^1]));
        model.Series.Add(offered);
        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Horizontal, Y = sloMs, YAxisKey = "p99", Color = OxyColors.Gray, LineStyle = LineStyle.Dash,
            Text = "SLO", TextColor = OxyColors.Gray,
        });

        for (var i = 0; i < systems.Count; i++)
        {
            var s = systems[i];
            if (s.Figures is null) continue;
            var color = Colors[i % Colors.Length];
            if (i == 0 && s.SentPerSecond.Length > 0)
            {
                var sent = new LineSeries { Title = "sent per second", YAxisKey = "rate", Color = OxyColors.Gray, StrokeThickness = 0.8, LineStyle = LineStyle.Dot };
                for (var t = 0; t < s.SentPerSecond.Length; t++) sent.Points.Add(new DataPoint(t + 0.5, s.SentPerSecond[t]));
                model.Series.Add(sent);
            }
            var p99 = new LineSeries { Title = s.Name, YAxisKey = "p99", Color = color, StrokeThickness = 1.5, MarkerType = MarkerType.None };
            for (var t = 0; t < s.P99PerSecond.Length; t++)
                p99.Points.Add(double.IsFinite(s.P99PerSecond[t]) ? new DataPoint(t + 0.5, s.P99PerSecond[t]) : DataPoint.Undefined);
            model.Series.Add(p99);
            var style = Styles[i % Styles.Length];
            var width = 1.5 + 1.5 * (systems.Count - 1 - i) / Math.Max(1, systems.Count - 1); // the first system widest, underneath
            var gear = new StairStepSeries { YAxisKey = "gear", Color = color, StrokeThickness = width, LineStyle = style, VerticalLineStyle = style, RenderInLegend = false, VerticalStrokeThickness = width };
            var devices = new StairStepSeries { YAxisKey = "devices", Color = color, StrokeThickness = width, LineStyle = style, VerticalLineStyle = style, RenderInLegend = false, VerticalStrokeThickness = width };
            foreach (var x in s.Samples)
            {
                gear.Points.Add(x.GearIndex is { } g ? new DataPoint(x.Seconds, g) : DataPoint.Undefined);
                devices.Points.Add(x.Devices is { } d ? new DataPoint(x.Seconds, d) : DataPoint.Undefined);
            }
            // Hold the last sample to the end of the trace, so each staircase spans the run.
            if (s.Samples.Length > 0 && s.Samples[^1] is var last && last.Seconds < trace.Seconds)
            {
                gear.Points.Add(last.GearIndex is { } g ? new DataPoint(trace.Seconds, g) : DataPoint.Undefined);
                devices.Points.Add(last.Devices is { } d ? new DataPoint(trace.Seconds, d) : DataPoint.Undefined);
            }
            model.Series.Add(gear);
            model.Series.Add(devices);
        }
        return model;
    }

    public static string Svg(LoadTrace trace, double sloMs, IReadOnlyList<SystemResult> systems) =>
        SvgExporter.ExportToString(Model(trace, sloMs, systems), Width, Height, isDocument: true);

    public static void Write(string path, LoadTrace trace, double sloMs, IReadOnlyList<SystemResult> systems)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Svg(trace, sloMs, systems));
        Console.WriteLine($"wrote {full}");
    }

    private static LinearAxis Panel(string key, string title, double start, double end, double minimum, bool wholeNumbers = false) => new()
    {
        MinimumMajorStep = wholeNumbers ? 1 : 0,
        MinimumMinorStep = wholeNumbers ? 1 : 0,
        Key = key,
        Title = title,
        Position = AxisPosition.Left,
        StartPosition = start,
        EndPosition = end,
        Minimum = minimum,
        MinimumPadding = 0,
        MaximumPadding = 0.1,
        MajorGridlineStyle = LineStyle.Dot,
        MajorGridlineColor = OxyColor.FromRgb(0xdd, 0xdd, 0xdd),
    };
}
