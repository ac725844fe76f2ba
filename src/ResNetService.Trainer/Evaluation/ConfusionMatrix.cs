using System.Globalization;
using System.Text;

namespace ResNetService.Trainer.Evaluation;

/// <summary>Counts of (true class, predicted class) pairs, and the accuracies read from them.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    public ConfusionMatrix(IReadOnlyList<string> classes)
    {
        Classes = classes;
        _counts = new long[classes.Count, classes.Count];
    }

    public IReadOnlyList<string> Classes { get; }

    /// <summary>How many images of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    public long Total { get; private set; }

    public void Add(int actual, int predicted)
    {
        _counts[actual, predicted]++;
        Total++;
    }

    public void AddRange(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        for (var i = 0; i < actual.Length; i++)
        {
            Add(actual[i], predicted[i]);
        }
    }

    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Classes.Count).Sum(c => _counts[c, c]) / Total;

    /// <summary>Images of the class in the data.</summary>
    public long Support(int actual) => Enumerable.Range(0, Classes.Count).Sum(p => _counts[actual, p]);

    /// <summary>Share of the class's images predicted correctly (recall); 0 when the class has no images.</summary>
    public double ClassAccuracy(int actual) => Support(actual) == 0 ? 0 : (double)_counts[actual, actual] / Support(actual);

    /// <summary>A fixed-width table: one row per true class, one column per predicted class, then per-class accuracy.</summary>
    public string ToText()
    {
        var names = Classes.Select((name, i) => $"{i}:{name}").ToArray();
        var nameWidth = Math.Max(names.Max(n => n.Length), "actual \\ predicted".Length);
        var cellWidth = Math.Max(Classes.Count.ToString(CultureInfo.InvariantCulture).Length,
            _counts.Cast<long>().DefaultIfEmpty(0).Max().ToString(CultureInfo.InvariantCulture).Length) + 1;
        var text = new StringBuilder();
        text.Append("actual \\ predicted".PadRight(nameWidth));
        for (var p = 0; p < Classes.Count; p++)
        {
            text.Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(cellWidth));
        }

        text.AppendLine("   accuracy");
        for (var a = 0; a < Classes.Count; a++)
        {
            text.Append(names[a].PadRight(nameWidth));
            for (var p = 0; p < Classes.Count; p++)
            {
                text.Append(_counts[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(cellWidth));
            }

            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"   {100 * ClassAccuracy(a),7:F2}%"));
        }

        return text.ToString();
    }
}
