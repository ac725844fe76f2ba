using ResNetService.Onnx.ModelFile;
using ResNetService.Topology;

namespace ResNetService.Trainer.Training;

/// <summary>Everything that decides a training run; saved in every checkpoint so <c>--resume</c> continues the same run.</summary>
public sealed record TrainingOptions
{
    /// <summary>Data source string, e.g. <c>idx:/usr/share/datasets/fashion-mnist</c>.</summary>
    public required string Data { get; init; }

    public string Architecture { get; init; } = "resnet18";

    /// <summary>A <see cref="ResNetVariants"/> name: "v1.5" (stride on the 3x3, torchvision), "v1" (on the first 1x1) or "keras" (the Keras ResNet-50).</summary>
    public string Variant { get; init; } = ResNetVariants.Default.Name();

    /// <summary>A <see cref="ResNetHeads"/> name: "gap" (global average pooling) or "avgpool2" (the SIGNS tutorial's, fixed to the image size).</summary>
    public string Head { get; init; } = ResNetHeads.Default.Name();

    public int ImageSize { get; init; } = 32;

    public string ResizeMode { get; init; } = ResizeModes.Direct;

    public string? LabelsFile { get; init; }

    public string? DatasetName { get; init; }

    public double ValidationSplit { get; init; } = 0.2;

    /// <summary>
    /// Share of each class of the training split held out (seeded by <see cref="Seed"/>) to choose the best epoch and
    /// to stop early, so the test split is scored once, at the end. 0: none, and the test split chooses, as before.
    /// </summary>
    public double Holdout { get; init; }

    /// <summary>Stop after this many epochs without a better selection accuracy; 0 trains every epoch.</summary>
    public int Patience { get; init; }

    /// <summary>Per-channel mean and std on the 0..1 scale; computed from the training split when null.</summary>
    public float[]? Mean { get; init; }

    public float[]? Std { get; init; }

    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 64;

    public string Optimizer { get; init; } = OptimizerFactory.Adam;

    public double LearningRate { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 5e-4;

    public double Momentum { get; init; } = 0.9;

    public bool Nesterov { get; init; }

    public string Schedule { get; init; } = LearningRateSchedule.Cosine;

    public AugmentationOptions Augmentation { get; init; } = new();

    public int Seed { get; init; }

    /// <summary>An ONNX file whose weights the network starts from instead of random ones (a resumed run ignores it).</summary>
    public string? InitialWeights { get; init; }

    /// <summary>
    /// Freeze the network up to and including this module: <c>stem</c> or a stage (<c>layer1</c>..<c>layer4</c>);
    /// null trains everything.
    /// </summary>
    public string? Freeze { get; init; }

    /// <summary>The backbone's (every layer but the classifier) learning rate as a share of the schedule's, e.g. 0.1 for pretrained layers.</summary>
    public double BackboneLearningRateScale { get; init; } = 1;

    /// <summary>Start each residual block's last batch norm at zero, so every block starts as the identity.</summary>
    public bool ZeroInitResidual { get; init; }
}
