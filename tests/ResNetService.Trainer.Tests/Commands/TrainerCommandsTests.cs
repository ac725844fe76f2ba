using System.Globalization;
using System.Text.RegularExpressions;
using ResNetService.Onnx.Graph;
using ResNetService.Topology;
using ResNetService.Trainer.Tests.Cli;
using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Commands;

/// <summary>train, evaluate and export through the real command tree and its error policy.</summary>
public sealed class TrainerCommandsTests
{
    [Fact]
    public async Task Train_export_and_evaluate_agree_from_checkpoint_to_onnx()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["data"], trainCount: 16, testCount: 8, classes: 4);

        var train = await CliRunner.RunAsync("train", "--data", "idx:" + folder["data"], "--arch", "resnet18", "--epochs", "1",
            "--batch-size", "8", "--hflip", "false", "--out", folder["run"]);
        Assert.True(train.ExitCode == 0, string.Join(" ", train.ErrorLines));
        Assert.Contains("epoch 1/1", train.Output);

        var export = await CliRunner.RunAsync("export", "--checkpoint", folder["run"], "--out", folder["model.onnx"]);
        Assert.True(export.ExitCode == 0, string.Join(" ", export.ErrorLines));
        Assert.Contains("passed", export.Output);
        var input = OnnxModelFile.Read(folder["model.onnx"]).Graph.Input.Single();
        Assert.Equal(["batch", "3", "32", "32"], input.Type.TensorType.Shape.Dim.Select(d =>
            d.HasDimParam ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)));

        var fromCheckpoint = await CliRunner.RunAsync("evaluate", "--checkpoint", folder["run"] + "/best");
        var fromOnnx = await CliRunner.RunAsync("evaluate", "--model", folder["model.onnx"], "--data", "idx:" + folder["data"]);
        Assert.Equal(0, fromCheckpoint.ExitCode);
        Assert.Equal(0, fromOnnx.ExitCode);
        Assert.Equal(Accuracy(fromCheckpoint.Output), Accuracy(fromOnnx.Output));
        // libtorch's cross-entropy on the checkpoint, the evaluator's own on ONNX Runtime's logits, and training's record.
        // Within 1e-3, not "equal to 3 decimals": 1.23252 and 1.23248 round apart (a failure seen once under load).
        var recorded = MetricsCsv.Read(folder["run/" + MetricsCsv.FileName]).Single().SelectionLoss;
        Assert.Equal(recorded, EvaluationOutput.TestLoss(fromCheckpoint.Output), 1e-3);
        Assert.Equal(recorded, EvaluationOutput.TestLoss(fromOnnx.Output), 1e-3);
        Assert.True(File.Exists(folder["run/confusion-matrix.png"]));
        Assert.True(File.Exists(folder["confusion-matrix.png"]));
    }

    [Fact]
    public async Task Export_with_outputs_declares_them_after_logits_and_checks_each_ones_parity()
    {
        using var folder = new TempFolder();
        var checkpoint = SavedCheckpoints.Write(folder["run"], new ResNetConfig(ResNetArchitecture.ResNet18, 4), 64, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

        var export = await CliRunner.RunAsync("export", "--checkpoint", checkpoint, "--outputs", "embedding,feature_map", "--out", folder["model.onnx"]);

        Assert.True(export.ExitCode == 0, string.Join(" ", export.ErrorLines));
        foreach (var output in new[] { "logits", "embedding", "feature_map" })
        {
            Assert.Matches($"(?m)^Parity check, {output}: .*: passed$", export.Output);
        }

        var model = OnnxModelFile.Read(folder["model.onnx"]);
        Assert.Equal(["logits", "embedding", "feature_map"], model.Graph.Output.Select(output => output.Name));
        Assert.Equal(["batch", "512", "2", "2"], model.Graph.Output[2].Type.TensorType.Shape.Dim.Select(d =>
            d.HasDimParam ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)));
        var metadata = model.MetadataProps.ToDictionary(entry => entry.Key, entry => entry.Value);
        Assert.Equal("embedding", metadata["embedding_output"]);
        Assert.Equal("feature_map", metadata["feature_map_output"]);
    }

    [Fact]
    public async Task Export_without_outputs_declares_logits_alone()
    {
        using var folder = new TempFolder();
        var checkpoint = SavedCheckpoints.Write(folder["run"], new ResNetConfig(ResNetArchitecture.ResNet18, 4), 32, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

        var export = await CliRunner.RunAsync("export", "--checkpoint", checkpoint, "--out", folder["model.onnx"]);

        Assert.True(export.ExitCode == 0, string.Join(" ", export.ErrorLines));
        var model = OnnxModelFile.Read(folder["model.onnx"]);
        Assert.Equal("logits", Assert.Single(model.Graph.Output).Name);
        Assert.DoesNotContain(model.MetadataProps, entry => entry.Key is "embedding_output" or "feature_map_output");
    }

    private static string Accuracy(string output) => Regex.Match(output, @"Accuracy: [\d.]+% on 8 test images").Value is { Length: > 0 } line
        ? line
        : throw new Xunit.Sdk.XunitException("no accuracy line in: " + output);

    [Theory]
    [InlineData("data folder not found", "train", "--data", "idx:/no/such/folder", "--out", "{run}")]
    [InlineData("not one of", "train", "--data", "somewhere", "--out", "{run}")]
    [InlineData("--data is required", "train", "--out", "{run}")]
    [InlineData("Nothing to resume", "train", "--resume", "--out", "{run}")]
    [InlineData("adam", "train", "--data", "idx:/x", "--optimizer", "rmsprop", "--out", "{run}")]
    [InlineData("--epochs must be at least 1", "train", "--data", "idx:/x", "--epochs", "0", "--out", "{run}")]
    [InlineData("three comma-separated numbers", "train", "--data", "idx:/x", "--mean", "0.5,0.5", "--out", "{run}")]
    [InlineData("exactly one of --checkpoint or --model", "evaluate")]
    [InlineData("--model needs --data", "evaluate", "--model", "{run}/model.onnx")]
    [InlineData("No checkpoint", "evaluate", "--checkpoint", "{run}")]
    [InlineData("No checkpoint", "export", "--checkpoint", "{run}/best", "--out", "{run}/model.onnx")]
    [InlineData("Model file not found", "evaluate", "--model", "{run}/model.onnx", "--data", "idx:/x")]
    [InlineData("unknown output 'pixels' for --outputs", "export", "--checkpoint", "{run}", "--outputs", "embedding,pixels", "--out", "{run}/model.onnx")]
    public async Task Bad_input_is_one_error_line_and_exit_code_1(string expected, params string[] args)
    {
        using var folder = new TempFolder();
        var (exitCode, _, errors) = await CliRunner.RunAsync(args.Select(a => a.Replace("{run}", folder["run"])).ToArray());

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_corrupt_data_set_is_one_error_line_naming_the_file()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["data"], trainCount: 8, testCount: 4, gzip: false);
        var images = folder["data/train-images-idx3-ubyte"];
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..100]);

        var (exitCode, _, errors) = await CliRunner.RunAsync("train", "--data", "idx:" + folder["data"], "--out", folder["run"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("train-images-idx3-ubyte is truncated", Assert.Single(errors));
    }

    [Theory]
    [InlineData("train", "--resume")]
    [InlineData("evaluate", "--plot")]
    [InlineData("export", "--checkpoint")]
    [InlineData("export", "--outputs")]
    public async Task Every_command_has_help(string command, string option)
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(option, output);
    }
}
