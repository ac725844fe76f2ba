using System.Globalization;
using ResNetService.Topology;

namespace ResNetService.Trainer.Tests.Cli;

public sealed class SummaryCommandTests
{
    [Fact]
    public async Task Prints_the_table_and_totals()
    {
        var (exitCode, output, errors) = await CliRunner.RunAsync("summary", "--arch", "resnet18", "--image-size", "32", "--classes", "10");

        Assert.Equal(0, exitCode);
        Assert.Empty(errors);
        var trainable = ResNetParameters.TrainableCount(new ResNetConfig(ResNetArchitecture.ResNet18, 10));
        Assert.Contains($"Trainable params: {trainable.ToString("N0", CultureInfo.InvariantCulture)}", output);
        Assert.Contains("layer4.1.conv2", output);
    }

    [Theory]
    [InlineData("svg")]
    [InlineData("png")]
    public async Task Plot_option_writes_the_picture(string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"plot-{Guid.NewGuid():N}.{extension}");
        try
        {
            var (exitCode, _, errors) = await CliRunner.RunAsync("summary", "--arch", "resnet18", "--image-size", "32", "--variant", "v1", "--plot", path);

            Assert.Equal(0, exitCode);
            Assert.Empty(errors);
            Assert.True(new FileInfo(path).Length > 1000);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("unknown architecture 'resnet99'", "summary", "--arch", "resnet99")]
    [InlineData("at least 32", "summary", "--image-size", "16")]
    [InlineData("--classes must be at least 1", "summary", "--classes", "0")]
    [InlineData("Argument 'v2' not recognized", "summary", "--variant", "v2")]
    [InlineData(".svg or .png", "summary", "--plot", "net.gif")]
    [InlineData("--bogus", "summary", "--bogus")]
    [InlineData("--image-size", "summary", "--image-size", "big")]
    [InlineData("no Keras original", "summary", "--arch", "resnet18", "--variant", "keras")]
    [InlineData("at least 2x2", "summary", "--image-size", "32", "--head", "avgpool2")]
    [InlineData("Argument 'tf' not recognized", "summary", "--style", "tf")]
    [InlineData("Argument 'stage' not recognized", "summary", "--plot-level", "stage")]
    public async Task Bad_input_is_one_error_line_and_exit_code_1(string expected, params string[] args)
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync(args);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task Help_lists_the_options()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("summary", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--arch", output);
        Assert.Contains("--plot", output);
        Assert.Contains("--plot-level", output);
        Assert.Contains("--style", output);
        Assert.Contains("keras:", output);
        Assert.Contains("avgpool2:", output);
    }

    [Fact]
    public async Task Keras_style_prints_keras_layout_for_the_signs_network()
    {
        var (exitCode, output, errors) = await CliRunner.RunAsync(
            "summary", "--arch", "resnet50", "--variant", "keras", "--image-size", "64", "--classes", "6", "--style", "keras");

        Assert.Equal(0, exitCode);
        Assert.Empty(errors);
        Assert.Contains("maxpool (MaxPooling2D)", output);
        Assert.Contains("(None, 15, 15, 64)", output);
        Assert.Contains("layer4.2.add (Add)", output);
        Assert.Contains("Total params: 23,600,006", output);
        Assert.Contains("Non-trainable params: 53,120", output);
    }

    [Fact]
    public async Task Layer_level_plot_draws_every_layer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plot-{Guid.NewGuid():N}.svg");
        try
        {
            var (exitCode, _, errors) = await CliRunner.RunAsync(
                "summary", "--arch", "resnet50", "--variant", "keras", "--image-size", "64", "--plot", path, "--plot-level", "layer");

            Assert.Equal(0, exitCode);
            Assert.Empty(errors);
            var svg = File.ReadAllText(path);
            Assert.Contains("layer1.0.downsample.1: BatchNormalization", svg);
            Assert.Contains("layer3.5.add: Add", svg);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
