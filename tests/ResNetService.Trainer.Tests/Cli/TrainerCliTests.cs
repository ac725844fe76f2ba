using System.CommandLine;
using ResNetService.Inference;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Tests.Cli;

/// <summary>The error policy: what the domain throws for bad input is the user's one line, with no type name.</summary>
public sealed class TrainerCliTests
{
    public static TheoryData<Exception> UserErrors() =>
    [
        new CliException("bad option."),
        new DataSetException("data.idx is truncated."),
        new ModelLoadException("model.onnx is not an ONNX model."),
        new InvalidDataException("checkpoint.json is not valid."),
        new FileNotFoundException("weights.onnx does not exist.", "weights.onnx"),
        new DirectoryNotFoundException("data folder not found."),
        new ArgumentException("unknown variant 'v2'."),
    ];

    [Theory]
    [MemberData(nameof(UserErrors))]
    public async Task A_user_error_is_its_message_on_one_line(Exception exception)
    {
        var (exitCode, errors) = await RunThrowing(exception);

        Assert.Equal(TrainerCli.Failure, exitCode);
        Assert.Equal($"error: {exception.Message}", Assert.Single(errors));
    }

    [Fact]
    public async Task A_bug_names_its_exception_type()
    {
        var (exitCode, errors) = await RunThrowing(new InvalidOperationException("unexpected state."));

        Assert.Equal(TrainerCli.Failure, exitCode);
        Assert.Equal("error: unexpected state. (InvalidOperationException)", Assert.Single(errors));
    }

    private static async Task<(int ExitCode, string[] ErrorLines)> RunThrowing(Exception exception)
    {
        var command = new Command("fail");
        Func<ParseResult, int> fail = _ => throw exception;
        command.SetAction(fail);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TrainerCli.RunAsync(new RootCommand { command }, ["fail"], output, error);
        return (exitCode, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
