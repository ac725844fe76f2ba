using System.Globalization;
using System.Text.Json;
using ResNetService.Onnx.ModelFile;
using Keys = ResNetService.Onnx.ModelFile.ModelMetadataKeys;

namespace ResNetService.Inference.Model;

/// <summary>
/// Finds each model setting in the first place that has it: the file's metadata, the sidecar JSON, configuration,
/// the model's own shapes, and finally ImageNet defaults. Remembers where each came from.
/// </summary>
public sealed class ModelSettingsResolver(
    IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> sidecar, ModelLoadSettings loadSettings)
{
    public const string ImageNetLabelsFileName = "imagenet-labels.txt";

    /// <summary>
    /// ImageNet's names as the service ships them: <c>models/imagenet-labels.txt</c> beside the service's own files
    /// (the Api project copies the repository's models/ there), wherever the served model itself lives.
    /// </summary>
    public static string ShippedImageNetLabelsPath { get; } = Path.Combine(AppContext.BaseDirectory, "models", ImageNetLabelsFileName);
    private const int ImageNetClasses = 1000;

    private readonly Dictionary<string, SettingSource> _sources = new();

    public IReadOnlyDictionary<string, SettingSource> Sources => _sources;

    /// <summary>
    /// The sidecar of <c>model.onnx</c>: <c>model.json</c> (or <c>model.onnx.json</c>) beside it, holding the same keys as
    /// the metadata; values may be plain JSON (<c>"image_size": 224</c>) or strings like in the metadata. Empty if absent.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadSidecar(string modelPath)
    {
        var candidates = new[] { Path.ChangeExtension(modelPath, ".json"), modelPath + ".json" };
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return new Dictionary<string, string>();
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"The sidecar {path} must hold a JSON object.");
            }

            return document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"The sidecar {path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <param name="modelImageSize">The square side fixed by the model's input shape, if it fixes one.</param>
    public PreprocessingSettings ResolvePreprocessing(int? modelImageSize)
    {
        var configured = loadSettings.Preprocessing;
        var defaults = PreprocessingSettings.ImageNet;

        var imageSize = FromFiles(Keys.ImageSize) is { } sizeText ? ParseInt(Keys.ImageSize, sizeText)
            : configured.ImageSize is { } size ? Record(Keys.ImageSize, SettingSource.Configuration, size)
            : modelImageSize is { } fixedSize ? Record(Keys.ImageSize, SettingSource.Model, fixedSize)
            : Record(Keys.ImageSize, SettingSource.Default, defaults.ImageSize);

        if (modelImageSize is { } required && required != imageSize)
        {
            throw new ModelLoadException(
                $"The {Describe(Keys.ImageSize)} image_size is {imageSize}, but the model's input is fixed at {required}x{required}.");
        }

        var resizeMode = FromFiles(Keys.ResizeMode)
            ?? Configured(Keys.ResizeMode, configured.ResizeMode)
            ?? Record(Keys.ResizeMode, SettingSource.Default, defaults.ResizeMode);

        var resizeSize = FromFiles(Keys.ResizeSize) is { } resizeText ? ParseInt(Keys.ResizeSize, resizeText)
            : configured.ResizeSize is { } resize ? Record(Keys.ResizeSize, SettingSource.Configuration, resize)
            : Record(Keys.ResizeSize, SettingSource.Default,
                resizeMode == ResizeModes.Direct ? imageSize : PreprocessingSettings.DefaultResizeSize(imageSize));

        var mean = FromFiles(Keys.Mean) is { } meanText ? ParseTriple(Keys.Mean, meanText)
            : Configured(Keys.Mean, configured.Mean) ?? Record(Keys.Mean, SettingSource.Default, defaults.Mean);
        var std = FromFiles(Keys.Std) is { } stdText ? ParseTriple(Keys.Std, stdText)
            : Configured(Keys.Std, configured.Std) ?? Record(Keys.Std, SettingSource.Default, defaults.Std);

        var colorMode = FromFiles(Keys.ColorMode)
            ?? Configured(Keys.ColorMode, configured.ColorMode)
            ?? Record(Keys.ColorMode, SettingSource.Default, defaults.ColorMode);

        var settings = new PreprocessingSettings(imageSize, resizeMode, resizeSize, mean, std, colorMode);
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException($"The model's preprocessing settings cannot be used: {e.Message}", e);
        }
        return settings;
    }

    /// <summary>Class names: metadata, sidecar, the configured labels file, ImageNet's names for 1000 classes, else <c>class_N</c>.</summary>
    public IReadOnlyList<string> ResolveLabels(int classes, string modelPath)
    {
        IReadOnlyList<string> labels;
        if (FromFiles(Keys.Labels) is { } labelsText)
        {
            labels = ParseLabels(labelsText);
        }
        else if (loadSettings.LabelsPath is { } labelsPath)
        {
            labels = Record(Keys.Labels, SettingSource.Configuration, ReadLabelsFile(labelsPath, "Model:LabelsPath"));
        }
        else if (classes == ImageNetClasses && ImageNetLabelsFile(modelPath) is { } imageNetPath)
        {
            labels = Record(Keys.Labels, SettingSource.Default, ReadLabelsFile(imageNetPath, "Model:ImageNetLabelsPath"));
        }
        else
        {
            labels = Record(Keys.Labels, SettingSource.Default,
                Enumerable.Range(0, classes).Select(i => $"class_{i}").ToArray());
        }

        if (labels.Count != classes)
        {
            throw new ModelLoadException(
                $"The {Describe(Keys.Labels)} has {labels.Count} labels, but the model outputs {classes} classes.");
        }

        return labels;
    }

    /// <summary>A descriptive value (architecture, dataset...) from the metadata or sidecar, or null.</summary>
    public string? Optional(string key) => FromFiles(key);

    private string? ImageNetLabelsFile(string modelPath)
    {
        if (loadSettings.ImageNetLabelsPath is { } configured)
        {
            return configured;
        }

        // A model folder's own list first (as before), then the service's: a model outside models/ gets names too.
        var besideModel = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", ImageNetLabelsFileName);
        return new[] { besideModel, ShippedImageNetLabelsPath }.FirstOrDefault(File.Exists);
    }

    private static string[] ReadLabelsFile(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"The labels file {Path.GetFullPath(path)} ({setting}) does not exist.");
        }
        // One label per line; a trailing newline is not an extra class.
        return File.ReadAllLines(path).Select(l => l.Trim()).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToArray();
    }

    private string? FromFiles(string key)
    {
        if (metadata.TryGetValue(key, out var fromMetadata))
        {
            return Record(key, SettingSource.Metadata, fromMetadata);
        }

        if (sidecar.TryGetValue(key, out var fromSidecar))
        {
            return Record(key, SettingSource.Sidecar, fromSidecar);
        }

        return null;
    }

    private T? Configured<T>(string key, T? value) where T : class =>
        value is null ? null : Record(key, SettingSource.Configuration, value);

    private T Record<T>(string key, SettingSource source, T value)
    {
        _sources[key] = source;
        return value;
    }

    private string Describe(string key) => _sources.GetValueOrDefault(key) switch
    {
        SettingSource.Metadata => "model metadata's",
        SettingSource.Sidecar => "sidecar JSON's",
        SettingSource.Configuration => "configured",
        SettingSource.Model => "model input's",
        _ => "default",
    } + $" '{key}'";

    private int ParseInt(string key, string text) =>
        int.TryParse(text.Trim().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ModelLoadException($"The {Describe(key)} must be a whole number, not '{text}'.");

    private float[] ParseTriple(string key, string text)
    {
        try
        {
            var values = JsonSerializer.Deserialize<float[]>(text);
            if (values is { Length: 3 })
            {
                return values;
            }
        }
        catch (JsonException)
        {
        }
        throw new ModelLoadException($"The {Describe(key)} must be a JSON array of three numbers, not '{text}'.");
    }

    private string[] ParseLabels(string text)
    {
        try
        {
            if (JsonSerializer.Deserialize<string[]>(text) is { } labels)
            {
                return labels;
            }
        }
        catch (JsonException)
        {
        }
        throw new ModelLoadException($"The {Describe(Keys.Labels)} must be a JSON array of strings.");
    }
}
