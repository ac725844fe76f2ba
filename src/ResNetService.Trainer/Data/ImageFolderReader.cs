using SkiaSharp;

namespace ResNetService.Trainer.Data;

/// <summary>
/// Reads <c>root/&lt;class&gt;/*.png|jpg</c>: the class is the folder name, classes sorted by name. When the root holds
/// <c>train/</c> and <c>test/</c> folders those are the splits; otherwise a seeded, per-class share becomes the test split.
/// </summary>
public static class ImageFolderReader
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif"];

    public static (IReadOnlyList<string> Classes, ImageSet Train, ImageSet Test) Read(
        string root, int imageSize, string resizeMode, double validationSplit, int seed)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder not found: {root}");
        }

        var trainRoot = Path.Combine(root, "train");
        var testRoot = Path.Combine(root, "test");
        if (Directory.Exists(trainRoot) && Directory.Exists(testRoot))
        {
            var classes = ClassFolders(trainRoot);
            return (classes, Load(List(trainRoot, classes), imageSize, resizeMode), Load(List(testRoot, classes), imageSize, resizeMode));
        }

        if (validationSplit is <= 0 or >= 1)
        {
            throw new ArgumentException($"{root} has no train/ and test/ folders, so a validation split between 0 and 1 is needed (got {validationSplit}).");
        }

        var allClasses = ClassFolders(root);
        var (train, test) = Split(List(root, allClasses), validationSplit, seed);
        return (allClasses, Load(train, imageSize, resizeMode), Load(test, imageSize, resizeMode));
    }

    private static string[] ClassFolders(string root)
    {
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        return classes.Length >= 2
            ? classes
            : throw new DataSetException($"{root} needs at least two class folders (root/<class>/*.png), found {classes.Length}.");
    }

    /// <summary>Every image file with its label; a class folder of a split may be missing or empty, but not all.</summary>
    private static List<(string Path, int Label)> List(string root, IReadOnlyList<string> classes)
    {
        var files = new List<(string, int)>();
        for (var label = 0; label < classes.Count; label++)
        {
            var folder = Path.Combine(root, classes[label]);
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.GetFiles(folder)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (f, label)));
            }
        }

        return files.Count > 0 ? files : throw new DataSetException($"No images ({string.Join(", ", Extensions)}) under {root}.");
    }

    private static (List<(string, int)> Train, List<(string, int)> Test) Split(
        List<(string Path, int Label)> files, double validationSplit, int seed)
    {
        var (kept, held) = StratifiedSplit.Indices(files.Select(f => f.Label).ToArray(), validationSplit, seed);
        if (kept.Count == 0 || held.Count == 0)
        {
            throw new DataSetException($"A validation split of {validationSplit} of {files.Count} images leaves an empty split.");
        }

        return (kept.Select(i => files[i]).ToList(), held.Select(i => files[i]).ToList());
    }

    private static ImageSet Load(List<(string Path, int Label)> files, int imageSize, string resizeMode)
    {
        var set = new ImageSet(new byte[(long)files.Count * 3 * imageSize * imageSize], files.Select(f => f.Label).ToArray(), imageSize);
        ParallelLoad.For(files.Count, i =>
        {
            using var image = Decode(files[i].Path);
            ImageResizer.Resize(image, set.Pixels.AsSpan(i * set.ImageBytes, set.ImageBytes), imageSize, resizeMode);
        });
        return set;
    }

    /// <summary>Decodes a whole file; a file that is not an image, or is cut short, is an error rather than a grey picture.</summary>
    private static SKBitmap Decode(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new DataSetException($"Not a readable image: {path}");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new DataSetException($"Image {path} could not be decoded ({result}).");
        }

        return bitmap;
    }
}
