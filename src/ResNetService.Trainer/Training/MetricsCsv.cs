using System.Globalization;

namespace ResNetService.Trainer.Training;

/// <summary>Reads and writes metrics.csv: a header, then one invariant-culture row per epoch.</summary>
public static class MetricsCsv
{
    public const string FileName = "metrics.csv";

    /// <summary>The columns; the selection split names the middle two, e.g. <c>validation_loss,validation_accuracy</c>.</summary>
    public static string Header(string split) =>
        $"epoch,train_loss,train_accuracy,{split}_loss,{split}_accuracy,learning_rate,seconds,images_per_second";

    public static void Write(string path, IReadOnlyList<EpochMetrics> rows)
    {
        var lines = rows.Select(m => string.Join(',',
            m.Epoch.ToString(CultureInfo.InvariantCulture),
            Format(m.TrainLoss), Format(m.TrainAccuracy), Format(m.SelectionLoss), Format(m.SelectionAccuracy),
            Format(m.LearningRate), Format(m.Seconds), Format(m.ImagesPerSecond)));
        File.WriteAllLines(path, lines.Prepend(Header(rows.Count > 0 ? rows[0].Split : SelectionSplits.Test)));
    }

    /// <summary>Rows of an existing file (to continue it on resume); none when there is no file.</summary>
    public static List<EpochMetrics> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var lines = File.ReadLines(path).ToList();
        var split = lines.Count > 0 && lines[0] == Header(SelectionSplits.Validation) ? SelectionSplits.Validation : SelectionSplits.Test;
        return lines.Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            var v = line.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            return new EpochMetrics((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], split);
        }).ToList();
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
