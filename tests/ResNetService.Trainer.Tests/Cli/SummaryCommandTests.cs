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
    }
}
