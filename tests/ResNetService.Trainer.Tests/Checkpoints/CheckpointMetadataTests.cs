using ResNetService.Onnx.ModelFile;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Checkpoints;

/// <summary>What an export says about how its epoch was chosen.</summary>
public sealed class CheckpointMetadataTests
{
    private static readonly CheckpointInfo ChosenOnTest = new()
    {
        Architecture = "resnet18",
        Variant = "v1.5",
        Labels = ["a", "b"],
        ImageSize = 32,
        ResizeMode = "direct",
        Mean = [0.5f, 0.5f, 0.5f],
        Std = [0.25f, 0.25f, 0.25f],
        ColorMode = "rgb",
        Dataset = "test",
        Epoch = 3,
        Step = 30,
        TestAccuracy = 0.75,
        BestTestAccuracy = 0.75,
        BestEpoch = 3,
        SavedAt = DateTimeOffset.UnixEpoch,
        ProducerVersion = "tests",
        Options = new TrainingOptions { Data = "idx:x" },
    };

    [Fact]
    public void A_run_chosen_on_a_holdout_exports_both_accuracies_and_the_split_that_chose()
    {
        var info = ChosenOnTest with
        {
            SelectedOn = SelectionSplits.Validation,
            ValidationAccuracy = 0.8125,
            BestValidationAccuracy = 0.8125,
            BestTestAccuracy = null,
            TestAccuracy = 0.78,
        };

        var metadata = CheckpointMetadata.From(info);

        Assert.Equal("validation", metadata[ModelMetadataKeys.SelectedOn]);
        Assert.Equal("0.8125", metadata[ModelMetadataKeys.ValidationAccuracy]);
        Assert.Equal("0.78", metadata[ModelMetadataKeys.TestAccuracy]);
        Assert.Equal("validation accuracy 81.25% (chose epoch 3), test accuracy 78.00%", info.DescribeAccuracy());
    }

    [Fact]
    public void A_run_chosen_on_the_test_split_says_so_and_has_no_validation_accuracy()
    {
        var metadata = CheckpointMetadata.From(ChosenOnTest);

        Assert.Equal("test", metadata[ModelMetadataKeys.SelectedOn]);
        Assert.False(metadata.ContainsKey(ModelMetadataKeys.ValidationAccuracy));
        Assert.Equal("test accuracy 75.00% (the test split chose epoch 3)", ChosenOnTest.DescribeAccuracy());
    }

    [Fact]
    public void A_holdout_run_cut_short_before_its_test_exports_no_test_accuracy()
    {
        var info = ChosenOnTest with { SelectedOn = SelectionSplits.Validation, ValidationAccuracy = 0.5, TestAccuracy = null, BestTestAccuracy = null };

        Assert.False(CheckpointMetadata.From(info).ContainsKey(ModelMetadataKeys.TestAccuracy));
        Assert.Contains("test accuracy not measured", info.DescribeAccuracy());
    }
}
