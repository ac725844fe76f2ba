using ResNetService.Topology;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Export;
using ResNetService.Trainer.Model;
using ResNetService.Trainer.Runs;
using ResNetService.Trainer.Tests.Export;
using ResNetService.Trainer.Tests.Runs;
using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Training;

/// <summary>Short real runs of a ResNet-18 started from an export, so every weight's start is known.</summary>
[Collection(nameof(SeededTrainingCollection))]
public sealed class FineTuningTests
{
    [Fact]
    public void Frozen_layers_keep_their_weights_and_batch_norm_statistics_while_the_rest_trains()
    {
        using var folder = new TempFolder();
        var (start, after) = FineTune(folder, options => options with { Freeze = "layer2" });

        foreach (var name in new[] { "conv1.weight", "bn1.running_mean", "layer1.1.bn2.running_var", "layer2.1.conv2.weight", "layer2.0.downsample.1.weight" })
        {
            Assert.True(start[name].Data.SequenceEqual(after[name].Data), name + " should be frozen");
        }

        foreach (var name in new[] { "layer3.0.conv1.weight", "layer3.0.bn1.running_mean", "layer4.1.bn2.weight", "fc.weight" })
        {
            Assert.False(start[name].Data.SequenceEqual(after[name].Data), name + " should train");
        }
    }

    [Fact]
    public void A_backbone_rate_of_zero_trains_only_the_classifier()
    {
        using var folder = new TempFolder();
        var (start, after) = FineTune(folder, options => options with { BackboneLearningRateScale = 0 });

        var parameters = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet18, 4)).named_parameters().Select(p => p.name).ToList();
        Assert.All(parameters.Where(name => !name.StartsWith("fc.", StringComparison.Ordinal)),
            name => Assert.True(start[name].Data.SequenceEqual(after[name].Data), name + " should not move"));
        Assert.False(start["fc.weight"].Data.SequenceEqual(after["fc.weight"].Data));
        // Not frozen: the backbone's batch norms still learn the new data's statistics.
        Assert.False(start["layer1.0.bn1.running_mean"].Data.SequenceEqual(after["layer1.0.bn1.running_mean"].Data));
    }

    [Fact]
    public void Each_step_gives_the_backbone_its_share_of_the_rate_and_the_head_the_whole()
    {
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet18, 4));
        var layers = FineTuning.Apply(model, "stem");
        var options = new TrainingOptions { Data = "idx:x", Optimizer = OptimizerFactory.AdamW, BackboneLearningRateScale = 0.1 };
        using var optimizer = OptimizerFactory.Create(layers, options);
        using var whole = OptimizerFactory.Create(layers, options with { BackboneLearningRateScale = 1 });

        OptimizerFactory.SetLearningRate(optimizer, 0.01, backboneScale: 0.1);

        Assert.Equal([0.001, 0.01], optimizer.ParamGroups.Select(g => Math.Round(g.LearningRate, 9)));
        // At the full rate one group holds every trainable parameter, as in runs saved before the scale existed.
        Assert.Single(whole.ParamGroups);
        Assert.Equal(["fc.bias", "fc.weight"], model.named_parameters().Where(p => layers.Head.Contains(p.parameter)).Select(p => p.name).Order());
        Assert.Equal(["bn1.bias", "bn1.weight", "conv1.weight"], model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).Order());
    }

    [Fact]
    public void An_unknown_stage_name_is_refused_with_the_names_there_are()
    {
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet18, 4));

        var error = Assert.Throws<ArgumentException>(() => FineTuning.Apply(model, "layer5"));

        Assert.Contains("stem or a stage (layer1, layer2, layer3, layer4); got 'layer5'", error.Message);
    }

    private static (IReadOnlyDictionary<string, Onnx.ResNet.NamedTensor> Start, IReadOnlyDictionary<string, Onnx.ResNet.NamedTensor> After) FineTune(
        TempFolder folder, Func<TrainingOptions, TrainingOptions> configure)
    {
        IdxWriter.WriteDataSet(folder["data"], trainCount: 16, testCount: 8, classes: 4);
        using var pretrained = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.ResNet18, 4), 32, seed: 3);
        OnnxExporter.Write(pretrained, folder["pretrained.onnx"], new Dictionary<string, string>(), "test", imageSize: 32);
        var options = configure(new TrainingOptions
        {
            Data = "idx:" + folder["data"],
            Architecture = "resnet18",
            ImageSize = 32,
            Epochs = 1,
            BatchSize = 8,
            Optimizer = OptimizerFactory.AdamW,
            LearningRate = 1e-2,
            WeightDecay = 0.05,
            Augmentation = new AugmentationOptions(CropPadding: 0, HorizontalFlip: false),
            InitialWeights = folder["pretrained.onnx"],
        });

        var run = new TrainingRun(folder["run"], new SilentProgress());
        run.Run(options);
        var info = Checkpoint.ReadInfo(run.LastPrefix);
        using var trained = Checkpoint.LoadModel(run.LastPrefix, info);
        return (StateDict.ToNamedTensors(pretrained), StateDict.ToNamedTensors(trained));
    }
}
