namespace ResNetService.Trainer.Tests.Cli;

public sealed class RootCommandTests
{
    [Fact]
    public async Task Help_lists_every_command()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("summary", output);
        Assert.Contains("predict", output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData()]
    public async Task No_or_unknown_command_is_one_error_line(params string[] args)
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync(args);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", Assert.Single(errors));
    }
}
