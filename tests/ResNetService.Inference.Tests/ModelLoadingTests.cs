using System.Security.Cryptography;
using System.Text.Json;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ModelFile;
using Keys = ResNetService.Onnx.ModelFile.ModelMetadataKeys;

namespace ResNetService.Inference.Tests;

public class ModelLoadingTests : IClassFixture<ModelFiles>
{
    private readonly ModelFiles _files;

    public ModelLoadingTests(ModelFiles files) => _files = files;

    private static OnnxSession Load(string path, Func<ModelLoadSettings, ModelLoadSettings>? configure = null)
    {
        var settings = new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu };
        return OnnxSession.Load(configure?.Invoke(settings) ?? settings);
    }

    /// <summary>Configuration that disagrees with every file-borne value, to prove it loses to them.</summary>
    private static ModelLoadSettings ConfigureOtherValues(ModelLoadSettings settings) => settings with
    {
        Preprocessing = new PreprocessingOverrides
        {
            ImageSize = 48,
            ResizeMode = ResizeModes.ShorterSideThenCrop,
            ResizeSize = 60,
            Mean = [0.1f, 0.1f, 0.1f],
            Std = [0.9f, 0.9f, 0.9f],
            ColorMode = ColorModes.Rgb,
        },
    };

    private static Dictionary<string, string> FullSettings(int imageSize, string labelPrefix) => new()
    {
        [Keys.ImageSize] = imageSize.ToString(),
        [Keys.ResizeMode] = ResizeModes.Direct,
        [Keys.Mean] = "[0.5, 0.5, 0.5]",
        [Keys.Std] = "[0.25, 0.25, 0.25]",
        [Keys.ColorMode] = ColorModes.Grayscale,
        [Keys.Labels] = JsonSerializer.Serialize(Enumerable.Range(0, 10).Select(i => $"{labelPrefix}{i}")),
        [Keys.Architecture] = "resnet18",
        [Keys.Dataset] = "shapes",
        [Keys.TestAccuracy] = "0.875",
        [Keys.SelectedOn] = "validation",
        [Keys.ValidationAccuracy] = "0.9",
    };

    [Fact]
    public void Metadata_wins_over_sidecar_and_configuration()
    {
        var path = _files.Write("with-metadata", FullSettings(40, "meta"));
        _files.WriteText("with-metadata.json", JsonSerializer.Serialize(new { image_size = 36, labels = Enumerable.Range(0, 10).Select(i => $"side{i}") }));

        using var model = Load(path, ConfigureOtherValues);
        var info = model.Info;

        Assert.Equal(40, info.Preprocessing.ImageSize);
        Assert.Equal(ResizeModes.Direct, info.Preprocessing.ResizeMode);
        Assert.Equal([0.5f, 0.5f, 0.5f], info.Preprocessing.Mean);
        Assert.Equal([0.25f, 0.25f, 0.25f], info.Preprocessing.Std);
        Assert.Equal(ColorModes.Grayscale, info.Preprocessing.ColorMode);
        Assert.Equal("meta3", info.Labels[3]);
        Assert.Equal(("resnet18", "shapes", 0.875), (info.Architecture, info.Dataset, info.TestAccuracy));
        Assert.Equal(("validation", 0.9), (info.SelectedOn, info.ValidationAccuracy));
        Assert.All(new[] { Keys.ImageSize, Keys.ResizeMode, Keys.Mean, Keys.Std, Keys.ColorMode, Keys.Labels },
            key => Assert.Equal(SettingSource.Metadata, info.SettingSources[key]));
    }

    [Fact]
    public void Sidecar_is_used_when_the_file_has_no_metadata()
    {
        var path = _files.Write("plain-with-sidecar");
        _files.WriteText("plain-with-sidecar.json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [Keys.ImageSize] = 36,
            [Keys.ResizeMode] = ResizeModes.ShorterSideThenCrop,
            [Keys.ResizeSize] = 40,
            [Keys.Mean] = new[] { 0.2, 0.3, 0.4 },
            [Keys.Std] = new[] { 0.5, 0.6, 0.7 },
            [Keys.ColorMode] = ColorModes.Rgb,
            [Keys.Labels] = Enumerable.Range(0, 10).Select(i => $"side{i}").ToArray(),
            [Keys.Dataset] = "sidecar-data",
        }));

        using var model = Load(path, ConfigureOtherValues);
        var info = model.Info;

        Assert.Equal((36, 40), (info.Preprocessing.ImageSize, info.Preprocessing.ResizeSize));
        Assert.Equal([0.2f, 0.3f, 0.4f], info.Preprocessing.Mean);
        Assert.Equal([0.5f, 0.6f, 0.7f], info.Preprocessing.Std);
        Assert.Equal("side9", info.Labels[9]);
        Assert.Equal("sidecar-data", info.Dataset);
        Assert.All(new[] { Keys.ImageSize, Keys.ResizeSize, Keys.Mean, Keys.Std, Keys.ColorMode, Keys.Labels },
            key => Assert.Equal(SettingSource.Sidecar, info.SettingSources[key]));
    }

    [Fact]
    public void Configuration_is_used_when_neither_file_says()
    {
        var path = _files.Write("plain-configured");
        var labels = _files.WriteText("configured-labels.txt", string.Join('\n', Enumerable.Range(0, 10).Select(i => $"conf{i}")) + "\n");

        using var model = Load(path, settings => ConfigureOtherValues(settings) with { LabelsPath = labels });
        var info = model.Info;

        Assert.Equal((48, 60), (info.Preprocessing.ImageSize, info.Preprocessing.ResizeSize));
        Assert.Equal([0.1f, 0.1f, 0.1f], info.Preprocessing.Mean);
        Assert.Equal(["conf0", "conf9"], new[] { info.Labels[0], info.Labels[9] });
        Assert.All(new[] { Keys.ImageSize, Keys.ResizeSize, Keys.Mean, Keys.Std, Keys.ColorMode, Keys.Labels },
            key => Assert.Equal(SettingSource.Configuration, info.SettingSources[key]));
    }

    [Fact]
    public void ImageNet_defaults_apply_when_nothing_says_otherwise()
    {
        using var model = Load(_files.Write("plain-defaults"));
        var info = model.Info;

        Assert.Equal(PreprocessingSettings.ImageNet with { Mean = info.Preprocessing.Mean, Std = info.Preprocessing.Std },
            info.Preprocessing);
        Assert.Equal([0.485f, 0.456f, 0.406f], info.Preprocessing.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], info.Preprocessing.Std);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"class_{i}"), info.Labels);
        Assert.All(info.SettingSources.Values, source => Assert.Equal(SettingSource.Default, source));
    }

    [Fact]
    public void Each_setting_falls_back_on_its_own()
    {
        var path = _files.Write("mixed", new Dictionary<string, string> { [Keys.Labels] = JsonSerializer.Serialize(ModelFiles.TenLabels) });
        _files.WriteText("mixed.json", """{ "image_size": 40, "resize_mode": "direct" }""");

        using var model = Load(path, settings => settings with { Preprocessing = new PreprocessingOverrides { Mean = [0.3f, 0.3f, 0.3f] } });
        var sources = model.Info.SettingSources;

        Assert.Equal(SettingSource.Metadata, sources[Keys.Labels]);
        Assert.Equal(SettingSource.Sidecar, sources[Keys.ImageSize]);
        Assert.Equal(SettingSource.Configuration, sources[Keys.Mean]);
        Assert.Equal(SettingSource.Default, sources[Keys.Std]);
        Assert.Equal(40, model.Info.Preprocessing.ImageSize);
    }

    [Fact]
    public void A_1000_class_model_gets_imagenet_labels_from_the_file_beside_it()
    {
        using var files = new ModelFiles();
        var path = files.Write("imagenet", new Dictionary<string, string> { [Keys.ImageSize] = "32" }, classes: 1000);
        files.WriteText(ModelSettingsResolver.ImageNetLabelsFileName, string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"species {i}")));

        using var model = Load(path);

        Assert.Equal(1000, model.Info.Classes);
        Assert.Equal("species 999", model.Info.Labels[999]);
        Assert.Equal(SettingSource.Default, model.Info.SettingSources[Keys.Labels]);
    }

    [Fact]
    public void A_fixed_input_size_is_read_from_the_model_and_contradicting_metadata_is_refused()
    {
        using var model = Load(_files.Write("fixed-64", fixedImageSize: 64));
        var contradicting = _files.Write("fixed-64-says-32", new Dictionary<string, string> { [Keys.ImageSize] = "32" }, fixedImageSize: 64);

        var error = Assert.Throws<ModelLoadException>(() => Load(contradicting));

        Assert.Equal(64, model.Info.Preprocessing.ImageSize);
        Assert.Equal(SettingSource.Model, model.Info.SettingSources[Keys.ImageSize]);
        Assert.Equal([-1L, 3, 64, 64], model.Info.InputShape);
        Assert.Contains("64", error.Message);
    }

    [Fact]
    public void Model_info_describes_the_file_and_the_session()
    {
        var path = _files.Write("described", ModelFiles.SmallModelMetadata());

        using var model = OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Auto }, warmupBatchSize: 3);
        var info = model.Info;

        Assert.Equal("described", info.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), info.Sha256);
        Assert.Equal(("input", "logits"), (info.InputName, info.OutputName));
        Assert.Equal([-1L, 3, -1, -1], info.InputShape);
        Assert.Equal([-1L, 10], info.OutputShape);
        Assert.Null(info.FixedBatchSize);
        Assert.Equal((17L, 8L), (info.OpsetVersion, info.IrVersion));
        Assert.Equal(OutputKinds.Logits, info.OutputKind);
        Assert.Equal(ExecutionProviderSelector.CpuProvider, info.ExecutionProvider);
        Assert.NotNull(info.ExecutionProviderFallbackReason);
        Assert.Equal("resnet18", info.Metadata[Keys.Architecture]);
    }

    [Fact]
    public void Requiring_cuda_without_it_refuses_to_load()
    {
        var path = _files.Write("needs-cuda", ModelFiles.SmallModelMetadata());

        var error = Assert.Throws<ModelLoadException>(() =>
            OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cuda }));

        Assert.Contains("Cuda", error.Message);
    }

    [Fact]
    public void Unusable_files_and_settings_give_clear_load_errors()
    {
        var garbage = _files.WriteText("garbage.onnx", "this is not a model");
        var wrongLabels = _files.Write("wrong-labels", new Dictionary<string, string> { [Keys.Labels] = """["a","b"]""" });
        var badMean = _files.Write("bad-mean", new Dictionary<string, string> { [Keys.Mean] = "[0.5]" });

        Assert.Contains("does not exist", Assert.Throws<ModelLoadException>(() => Load(Path.Combine(_files.Folder, "missing.onnx"))).Message);
        Assert.Contains("cannot load", Assert.Throws<ModelLoadException>(() => Load(garbage)).Message);
        Assert.Contains("2 labels", Assert.Throws<ModelLoadException>(() => Load(wrongLabels)).Message);
        Assert.Contains("'mean'", Assert.Throws<ModelLoadException>(() => Load(badMean)).Message);
    }
}
