using System.Text.Json;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Model;
using ResNetService.Trainer.Tests.Cli;
using ResNetService.Trainer.Tests.Runs;
using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Keras;

/// <summary>
/// The keras variant through the real commands: a few training steps, resume, export with its parity check, the
/// service's model loader, and evaluation from checkpoint and from ONNX. At 128x128 the avgpool2 head's dense layer
/// reads 2048 x 2 x 2 numbers, so a checkpoint that forgot its head could not be rebuilt.
/// </summary>
[Collection(nameof(SeededTrainingCollection))]
public sealed class KerasTrainingTests
{
    [Fact]
    public async Task Trains_resumes_exports_loads_and_evaluates()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["data"], trainCount: 8, testCount: 8, classes: 4);

        var train = await CliRunner.RunAsync("train", "--data", "idx:" + folder["data"], "--arch", "resnet50", "--variant", "keras",
            "--head", "avgpool2", "--image-size", "128", "--epochs", "1", "--batch-size", "4", "--hflip", "false", "--crop-padding", "0",
            "--out", folder["run"]);
        Assert.True(train.ExitCode == 0, string.Join(" ", train.ErrorLines));
        using (var json = JsonDocument.Parse(File.ReadAllText(folder["run/last.json"])))
        {
            Assert.Equal("keras", json.RootElement.GetProperty("variant").GetString());
            Assert.Equal("avgpool2", json.RootElement.GetProperty("head").GetString());
        }

        var resume = await CliRunner.RunAsync("train", "--resume", "--epochs", "2", "--out", folder["run"]);
        Assert.True(resume.ExitCode == 0, string.Join(" ", resume.ErrorLines));
        Assert.Contains("epoch 2/2", resume.Output);

        var export = await CliRunner.RunAsync("export", "--checkpoint", folder["run"] + "/last", "--out", folder["model.onnx"]);
        Assert.True(export.ExitCode == 0, string.Join(" ", export.ErrorLines));
        Assert.Contains("passed", export.Output);
        using (var served = OnnxSession.Load(new ModelLoadSettings { Path = folder["model.onnx"], ExecutionProvider = ExecutionProviderPreference.Cpu }))
        {
            Assert.Equal("keras", served.Info.Variant);
            Assert.Equal(4, served.Info.Classes);
        }

        var fromCheckpoint = await CliRunner.RunAsync("evaluate", "--checkpoint", folder["run"] + "/last");
        var fromOnnx = await CliRunner.RunAsync("evaluate", "--model", folder["model.onnx"], "--data", "idx:" + folder["data"]);
        Assert.True(fromCheckpoint.ExitCode == 0, string.Join(" ", fromCheckpoint.ErrorLines));
        Assert.True(fromOnnx.ExitCode == 0, string.Join(" ", fromOnnx.ErrorLines));
        Assert.Equal(EvaluationOutput.Accuracy(fromCheckpoint.Output), EvaluationOutput.Accuracy(fromOnnx.Output));
        var lastEpoch = MetricsCsv.Read(folder["run/" + MetricsCsv.FileName])[^1];
        Assert.Equal(lastEpoch.SelectionLoss, EvaluationOutput.TestLoss(fromCheckpoint.Output), 3);
        Assert.Equal(lastEpoch.SelectionLoss, EvaluationOutput.TestLoss(fromOnnx.Output), 3);
    }
}
