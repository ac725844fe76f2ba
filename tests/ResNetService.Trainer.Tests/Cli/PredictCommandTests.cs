using System.Globalization;
using System.Text.Json;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;
using SkiaSharp;
using Xunit.Abstractions;

namespace ResNetService.Trainer.Tests.Cli;

public sealed class PredictCommandTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] Labels = ["cat", "dog", "bird", "fish"];
    private readonly string _folder = Directory.CreateTempSubdirectory("predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Prints_the_top_classes_of_each_image_with_labels_from_the_metadata()
    {
        var model = WriteModel();
        var red = WriteImage("red.png", SKColors.Red);
        var blue = WriteImage("blue.png", SKColors.Blue);

        var (exitCode, output, errors) = await CliRunner.RunAsync("predict", "--model", model, "--top", "3", red, blue);

        log.WriteLine(output);
        Assert.Equal(0, exitCode);
        Assert.Empty(errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Equal(["red.png", "blue.png"], lines.Where(line => !line.StartsWith(' ')));
        var ranked = lines.Skip(1).Take(3).Select(line => line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["1.", "2.", "3."], ranked.Select(parts => parts[0]));
        Assert.All(ranked, parts => Assert.Contains(parts[1], Labels));
        var probabilities = ranked.Select(parts => double.Parse(parts[2].TrimEnd('%'), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(probabilities.OrderDescending(), probabilities);
        Assert.InRange(probabilities.Sum(), 0.1, 100.01);
    }

    [Fact]
    public async Task Top_larger_than_the_classes_shows_every_class()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("predict", "--model", WriteModel(), "--top", "10", WriteImage("a.png", SKColors.Green));

        Assert.Equal(0, exitCode);
        Assert.Equal(1 + Labels.Length, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_one_error_line_and_the_others_are_still_classified()
    {
        var text = Path.Combine(_folder, "notes.png");
        File.WriteAllText(text, "not a picture at all");

        var (exitCode, output, errors) = await CliRunner.RunAsync("predict", "--model", WriteModel(), WriteImage("ok.png", SKColors.Gray), text);

        log.WriteLine(string.Join("\n", errors));
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: notes.png: ", Assert.Single(errors));
        Assert.StartsWith("ok.png", output);
    }

    [Fact]
    public async Task Labels_file_names_the_classes_of_a_model_without_labels()
    {
        var model = Path.Combine(_folder, "bare.onnx");
        RandomResNetModel.Write(model, new ResNetConfig(ResNetArchitecture.ResNet18, 3), seed: 2, imageSize: 32);
        var labels = Path.Combine(_folder, "labels.txt");
        File.WriteAllLines(labels, ["alpha", "beta", "gamma"]);
        var bareModelMetadata = new Dictionary<string, string> { [ModelMetadataKeys.ImageSize] = "32", [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct };
        File.WriteAllText(Path.ChangeExtension(model, ".json"), JsonSerializer.Serialize(bareModelMetadata));

        var (exitCode, output, errors) = await CliRunner.RunAsync("predict", "--model", model, "--labels", labels, "--top", "3", WriteImage("a.png", SKColors.Red));

        Assert.Equal(0, exitCode);
        Assert.Empty(errors);
        Assert.Contains("alpha", output);
        Assert.Contains("beta", output);
        Assert.Contains("gamma", output);
    }

    [Fact]
    public async Task Missing_model_file_is_one_error_line()
    {
        var missing = Path.Combine(_folder, "missing.onnx");

        var (exitCode, _, errors) = await CliRunner.RunAsync("predict", "--model", missing, WriteImage("a.png", SKColors.Red));

        log.WriteLine(string.Join("\n", errors));
        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.Contains("missing.onnx", line);
    }

    [Fact]
    public async Task Missing_image_file_is_one_error_line()
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync("predict", "--model", WriteModel(), Path.Combine(_folder, "nowhere.jpg"));

        Assert.Equal(1, exitCode);
        Assert.Contains("nowhere.jpg", Assert.Single(errors));
    }

    [Fact]
    public async Task A_model_file_onnx_runtime_cannot_read_is_one_error_line()
    {
        var broken = Path.Combine(_folder, "broken.onnx");
        File.WriteAllBytes(broken, [1, 2, 3, 4, 5]);

        var (exitCode, _, errors) = await CliRunner.RunAsync("predict", "--model", broken, WriteImage("a.png", SKColors.Red));

        log.WriteLine(string.Join("\n", errors));
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", Assert.Single(errors));
    }

    [Theory]
    [InlineData("--top", "0")]
    [InlineData("--top", "many")]
    public async Task Bad_top_is_one_error_line(string option, string value)
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync("predict", "--model", WriteModel(), option, value, WriteImage("a.png", SKColors.Red));

        Assert.Equal(1, exitCode);
        Assert.Contains("--top", Assert.Single(errors));
    }

    [Fact]
    public async Task No_images_is_one_error_line()
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync("predict", "--model", WriteModel());

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", Assert.Single(errors));
    }

    private string WriteModel()
    {
        var path = Path.Combine(_folder, "model.onnx");
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.Labels] = JsonSerializer.Serialize(Labels),
            [ModelMetadataKeys.ImageSize] = "32",
            [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
        };
        RandomResNetModel.Write(path, new ResNetConfig(ResNetArchitecture.ResNet18, Labels.Length), metadata, seed: 5, imageSize: 32);
        return path;
    }

    private string WriteImage(string name, SKColor color)
    {
        using var bitmap = new SKBitmap(48, 40);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawCircle(20, 20, 10, paint);
        }

        var path = Path.Combine(_folder, name);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
