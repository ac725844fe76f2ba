using System.Globalization;
using System.Text;

namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// Each test image's true class, predicted class and class probabilities, in the test split's order: what
/// <c>evaluate --predictions</c> writes, so that a client can check that the service answers each image as evaluated.
/// </summary>
public sealed class Predictions(IReadOnlyList<string> classes, int count)
{
    private readonly int[] _labels = new int[count];
    private readonly int[] _predicted = new int[count];
    private readonly float[] _probabilities = new float[count * classes.Count];

    public IReadOnlyList<string> Classes { get; } = classes;

    public int Count { get; } = count;

    public int Label(int image) => _labels[image];

    public int Predicted(int image) => _predicted[image];

    public ReadOnlySpan<float> Probabilities(int image) => _probabilities.AsSpan(image * Classes.Count, Classes.Count);

    public void Set(int image, int label, ReadOnlySpan<float> probabilities)
    {
        _labels[image] = label;
        _predicted[image] = OnnxEvaluator.ArgMax(probabilities);
        probabilities.CopyTo(_probabilities.AsSpan(image * Classes.Count, Classes.Count));
    }

    /// <summary>
    /// CSV: <c>index,label,prediction</c> (class indices) and one probability column per class, named by the class;
    /// probabilities written so that they read back as the same floats.
    /// </summary>
    public void Save(string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(string.Join(',', new[] { "index", "label", "prediction" }.Concat(Classes.Select(Quote))));
        var line = new StringBuilder();
        for (var image = 0; image < Count; image++)
        {
            line.Clear().Append(CultureInfo.InvariantCulture, $"{image},{_labels[image]},{_predicted[image]}");
            foreach (var probability in Probabilities(image))
            {
                line.Append(',').Append(probability.ToString("R", CultureInfo.InvariantCulture));
            }

            writer.WriteLine(line);
        }
    }

    private static string Quote(string name) =>
        name.AsSpan().IndexOfAny(",\"\r\n") < 0 ? name : $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
