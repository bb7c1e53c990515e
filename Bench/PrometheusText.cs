using System.Globalization;
using System.Text;

namespace Gearbox.Bench;

/// <summary>One sample of a Prometheus text exposition: the metric name, its labels and the value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads the Prometheus text format (what /metrics serves): "name{label="value",...} value [timestamp]"
/// lines, comments and blank lines skipped, label values unescaped (\" \\ \n). Lines it cannot read are
/// skipped rather than failing the bench, so an odd metric elsewhere never hides the ones it needs.
/// </summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, List<PrometheusSample>> _byName;

    private PrometheusText(Dictionary<string, List<PrometheusSample>> byName) => _byName = byName;

    public static PrometheusText Parse(string exposition)
    {
        var byName = new Dictionary<string, List<PrometheusSample>>(StringComparer.Ordinal);
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (ParseLine(line) is not { } sample) continue;
            if (!byName.TryGetValue(sample.Name, out var list)) byName[sample.Name] = list = [];
            list.Add(sample);
        }
        return new PrometheusText(byName);
    }

    public IReadOnlyList<PrometheusSample> Samples(string name) =>
        _byName.TryGetValue(name, out var list) ? list : [];

    /// <summary>The sum of a metric's samples whose labels include <paramref name="label"/>=<paramref name="value"/> (all when null); null when it has none.</summary>
    public double? Sum(string name, string? label = null, string? value = null)
    {
        double? total = null;
        foreach (var s in Samples(name))
            if (label is null || (s.Labels.TryGetValue(label, out var v) && v == value)) total = (total ?? 0) + s.Value;
        return total;
    }

    private static PrometheusSample? ParseLine(string line)
    {
        var nameEnd = 0;
        while (nameEnd < line.Length && line[nameEnd] is not ('{' or ' ' or '\t')) nameEnd++;
        if (nameEnd == 0) return null;
        var name = line[..nameEnd];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = nameEnd;
        if (at < line.Length && line[at] == '{')
        {
            at = ReadLabels(line, at + 1, labels);
            if (at < 0) return null;
        }
        var rest = line[at..].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length == 0 || ParseValue(rest[0]) is not { } number) return null;
        return new PrometheusSample(name, labels, number);
    }

    /// <summary>Reads label pairs from just after '{'; the index after '}', or -1 when malformed.</summary>
    private static int ReadLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (at < line.Length)
        {
            while (at < line.Length && line[at] is ' ' or ',') at++;
            if (at < line.Length && line[at] == '}') return at + 1;
            var eq = line.IndexOf('=', at);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') return -1;
            var key = line[at..eq].Trim();
            var value = new StringBuilder();
            at = eq + 2;
            for (; at < line.Length && line[at] != '"'; at++)
            {
                if (line[at] == '\\' && at + 1 < line.Length)
                {
                    at++;
                    value.Append(line[at] == 'n' ? '\n' : line[at]);
                }
                else value.Append(line[at]);
            }
            if (at >= line.Length) return -1; // unterminated value
            labels[key] = value.ToString();
            at++;
        }
        return -1;
    }

    private static double? ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
    };
}
