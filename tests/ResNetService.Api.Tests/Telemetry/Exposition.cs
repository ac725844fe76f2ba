using System.Globalization;
using System.Text;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>One sample line of a Prometheus text exposition: <c>name{label="value",...} value</c>.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>True when every given label has the given value (other labels may be there too).</summary>
    public bool Has(params (string Label, string Value)[] labels) =>
        labels.All(label => Labels.TryGetValue(label.Label, out var value) && value == label.Value);
}

/// <summary>Reads the samples of a scrape (comments and blank lines skipped), for tests to look series up.</summary>
public sealed class Exposition(string text)
{
    public string Text { get; } = text;

    public IReadOnlyList<Sample> Samples { get; } = [.. text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(ParseLine)];

    public IEnumerable<Sample> Series(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(sample => sample.Name == name && sample.Has(labels));

    /// <summary>The value of the one sample of that name and labels, or 0 when there is none yet.</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        Series(name, labels).Any() ? Single(name, labels).Value : 0;

    /// <summary>The one sample of that name and labels; fails listing what there is when it is not exactly one.</summary>
    public Sample Single(string name, params (string Label, string Value)[] labels)
    {
        var found = Series(name, labels).ToList();
        Assert.True(found.Count == 1,
            $"Expected one {name} with {string.Join(", ", labels)}, found {found.Count} among:\n" +
            string.Join('\n', Samples.Where(s => s.Name == name).Select(s => string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")))));
        return found[0];
    }

    private static Sample ParseLine(string line)
    {
        var nameEnd = line.IndexOfAny(['{', ' ']);
        var name = line[..nameEnd];
        var labels = new Dictionary<string, string>();
        var position = nameEnd;
        if (line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var equals = line.IndexOf('=', position);
                var label = line[position..equals];
                var (value, next) = ReadQuoted(line, equals + 1);
                labels[label] = value;
                position = line[next] == ',' ? next + 1 : next;
            }

            position++;
        }

        var number = line[position..].Trim().Split(' ')[0];
        return new Sample(name, labels, double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>A quoted label value with its escapes undone, and the position after its closing quote.</summary>
    private static (string Value, int Next) ReadQuoted(string line, int quote)
    {
        var value = new StringBuilder();
        for (var i = quote + 1; ; i++)
        {
            switch (line[i])
            {
                case '"':
                    return (value.ToString(), i + 1);
                case '\\':
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                    break;
                default:
                    value.Append(line[i]);
                    break;
            }
        }
    }
}
