using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;
using ResNetService.Trainer.Tests.Cli;
using ResNetService.Trainer.Tests.Support;

namespace ResNetService.Trainer.Tests.Quantization;

/// <summary><c>quantize</c> on a random-weight ResNet-18 and IDX images made here.</summary>
public sealed class QuantizeCommandTests
{
    [Fact]
    public async Task A_model_is_quantized_fused_scored_and_described_in_its_metadata()
    {
        using var folder = new TempFolder();
        var (model, data) = Write(folder);

        var (exitCode, output, errors) = await CliRunner.RunAsync(
            "quantize", "--model", model, "--data", "idx:" + data, "--out", folder["int8.onnx"], "--calibration-images", "12", "--batch-size", "5");

        Assert.Empty(errors);
        Assert.Equal(0, exitCode);
        Assert.Contains("Calibrating on 12 of the 24 training images", output);
        Assert.Contains("20 of 20 convolutions run as int8 (QLinearConv)", output);
        var scored = Regex.Match(output, @"Test accuracy on 8 images: fp32 (\d+\.\d\d)%, int8 (\d+\.\d\d)%");
        Assert.True(scored.Success, output);
        var metadata = OnnxModelFile.Read(folder["int8.onnx"]).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.StartsWith("int8 static QDQ", metadata[ModelMetadataKeys.Quantization]);
        Assert.Equal("percentile 99.999", metadata[ModelMetadataKeys.QuantizationCalibration]);
        Assert.Equal("12", metadata[ModelMetadataKeys.QuantizationCalibrationImages]);
        // The file records the accuracies the command measured and printed: int8's as its own, fp32's beside it.
        Assert.Equal(Percent(scored.Groups[2].Value), double.Parse(metadata[ModelMetadataKeys.TestAccuracy], CultureInfo.InvariantCulture), 4);
        Assert.Equal(Percent(scored.Groups[1].Value), double.Parse(metadata[ModelMetadataKeys.Fp32TestAccuracy], CultureInfo.InvariantCulture), 4);
        Assert.Equal("a,b,c,d", string.Join(',', JsonSerializer.Deserialize<string[]>(metadata[ModelMetadataKeys.Labels])!));
    }

    private static double Percent(string printed) => double.Parse(printed, CultureInfo.InvariantCulture) / 100;

    [Fact]
    public async Task An_already_quantized_model_is_refused_and_nothing_is_written()
    {
        using var folder = new TempFolder();
        var (model, data) = Write(folder);
        await CliRunner.RunAsync("quantize", "--model", model, "--data", "idx:" + data, "--out", folder["int8.onnx"], "--calibration-images", "4");

        var (exitCode, _, errors) = await CliRunner.RunAsync(
            "quantize", "--model", folder["int8.onnx"], "--data", "idx:" + data, "--out", folder["again.onnx"]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: {folder["int8.onnx"]} is already quantized", Assert.Single(errors));
        Assert.False(File.Exists(folder["again.onnx"]));
        Assert.False(File.Exists(folder["again.onnx.partial"]));
    }

    [Fact]
    public async Task A_file_that_is_not_a_convolutional_classifier_is_refused()
    {
        using var folder = new TempFolder();
        var (_, data) = Write(folder);
        File.WriteAllBytes(folder["garbage.onnx"], [0xff, 0x01, 0x02]);

        var (exitCode, _, errors) = await CliRunner.RunAsync("quantize", "--model", folder["garbage.onnx"], "--data", "idx:" + data, "--out", folder["out.onnx"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("garbage.onnx", Assert.Single(errors));
        Assert.False(File.Exists(folder["out.onnx"]));
    }

    [Fact]
    public async Task Data_whose_classes_differ_from_the_model_is_compared_rather_than_scored()
    {
        using var folder = new TempFolder();
        var (model, _) = Write(folder);
        IdxWriter.WriteDataSet(folder["three"], trainCount: 12, testCount: 6, classes: 3);

        var (exitCode, output, errors) = await CliRunner.RunAsync(
            "quantize", "--model", model, "--data", "idx:" + folder["three"], "--out", folder["int8.onnx"], "--calibration-images", "6");

        Assert.Empty(errors);
        Assert.Equal(0, exitCode);
        Assert.Contains("The test split's classes are not the model's: compared on 6 images instead.", output);
        Assert.Contains("Top-1 agreement of int8 with fp32", output);
        Assert.DoesNotContain(OnnxModelFile.Read(folder["int8.onnx"]).MetadataProps, p => p.Key == ModelMetadataKeys.TestAccuracy);
    }

    private static (string Model, string Data) Write(TempFolder folder)
    {
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.Labels] = JsonSerializer.Serialize(new[] { "a", "b", "c", "d" }),
            [ModelMetadataKeys.ImageSize] = "32",
            [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
            [ModelMetadataKeys.TestAccuracy] = "0.5",
        };
        RandomResNetModel.Write(folder["model.onnx"], new ResNetConfig(ResNetArchitecture.ResNet18, 4), metadata, seed: 5, imageSize: 32);
        IdxWriter.WriteDataSet(folder["data"], trainCount: 24, testCount: 8, classes: 4);
        return (folder["model.onnx"], folder["data"]);
    }
}
