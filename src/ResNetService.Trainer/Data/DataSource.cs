using ResNetService.Onnx.ModelFile;

namespace ResNetService.Trainer.Data;

/// <summary>
/// Loads a data set named by a source string: <c>idx:/dir</c>, <c>folder:/root</c> or <c>hdf5:/train.h5,/test.h5</c>.
/// </summary>
public static class DataSource
{
    /// <summary>Fashion-MNIST's class names in label order (zalandoresearch/fashion-mnist).</summary>
    public static readonly IReadOnlyList<string> FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public const string Formats = "idx:/dir | folder:/root | hdf5:/train.h5,/test.h5";

    public static TrainingData Load(string source, DataOptions options)
    {
        var colon = source.IndexOf(':');
        if (colon <= 0 || colon == source.Length - 1)
        {
            throw new ArgumentException($"Data source '{source}' is not one of: {Formats}.");
        }

        var (kind, path) = (source[..colon].ToLowerInvariant(), source[(colon + 1)..]);
        var data = kind switch
        {
            "idx" => LoadIdx(path, options),
            "folder" => LoadFolder(path, options),
            "hdf5" or "h5" => LoadHdf5(path, options),
            _ => throw new ArgumentException($"Unknown data format '{kind}' in '{source}'; use {Formats}."),
        };
        Validate(data);
        return data;
    }

    private static TrainingData LoadIdx(string directory, DataOptions options)
    {
        var files = IdxReader.FindFiles(directory);
        var train = IdxReader.Read(files.TrainImages, files.TrainLabels);
        var test = IdxReader.Read(files.TestImages, files.TestLabels);
        var name = options.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var known = name.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? FashionMnistClasses : null;
        var classes = ClassNames(options, known, train.Labels.Concat(test.Labels));
        return new TrainingData(name, classes, train.Resize(options.ImageSize, options.ResizeMode),
            test.Resize(options.ImageSize, options.ResizeMode), ColorModes.Grayscale, options.ResizeMode);
    }

    private static TrainingData LoadFolder(string root, DataOptions options)
    {
        var (classes, train, test) = ImageFolderReader.Read(root, options.ImageSize, options.ResizeMode, options.ValidationSplit, options.Seed);
        var name = options.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        return new TrainingData(name, ClassNames(options, classes, []), train, test, ColorModes.Rgb, options.ResizeMode);
    }

    private static TrainingData LoadHdf5(string paths, DataOptions options)
    {
        var parts = paths.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new ArgumentException($"hdf5: needs two files, 'hdf5:/train.h5,/test.h5'; got '{paths}'.");
        }

        var (train, trainClasses) = Hdf5Reader.Read(parts[0], "train");
        var (test, _) = Hdf5Reader.Read(parts[1], "test");
        if (train.Channels != test.Channels)
        {
            throw new DataSetException($"{parts[0]} has {train.Channels}-channel images but {parts[1]} has {test.Channels}.");
        }

        var name = options.Name ?? Path.GetFileNameWithoutExtension(parts[0]);
        var classes = ClassNames(options, trainClasses, train.Labels.Concat(test.Labels));
        return new TrainingData(name, classes, train.Resize(options.ImageSize, options.ResizeMode),
            test.Resize(options.ImageSize, options.ResizeMode),
            train.Channels == 1 ? ColorModes.Grayscale : ColorModes.Rgb, options.ResizeMode);
    }

    /// <summary>The labels file wins, then the names the data carries, then "0", "1", ... up to the largest label.</summary>
    private static IReadOnlyList<string> ClassNames(DataOptions options, IReadOnlyList<string>? known, IEnumerable<int> labels)
    {
        if (options.LabelsFile is { } file)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Labels file not found: {file}", file);
            }

            return File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        }

        return known ?? Enumerable.Range(0, labels.DefaultIfEmpty(0).Max() + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static void Validate(TrainingData data)
    {
        if (data.Classes.Count < 2)
        {
            throw new DataSetException($"Data set '{data.Name}' has {data.Classes.Count} class(es); at least two are needed.");
        }

        foreach (var (split, set) in new[] { ("training", data.Train), ("test", data.Test) })
        {
            if (set.Count == 0)
            {
                throw new DataSetException($"The {split} split of '{data.Name}' is empty.");
            }

            var bad = Array.FindIndex(set.Labels, l => l < 0 || l >= data.Classes.Count);
            if (bad >= 0)
            {
                throw new DataSetException($"The {split} split of '{data.Name}' has label {set.Labels[bad]}, outside the {data.Classes.Count} classes.");
            }
        }
    }
}
