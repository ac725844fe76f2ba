using ResNetService.Topology;
using ResNetService.Trainer.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Summary;

/// <summary>What a summary row stands for.</summary>
public enum SummaryRowKind
{
    Input,
    Layer,

    /// <summary>The end of a residual block: main path plus shortcut, then ReLU.</summary>
    BlockOutput,
}

/// <summary>
/// One line of the summary, in the order the forward pass reaches it.
/// <see cref="OutputShape"/> leaves out the batch dimension; parameters are the layer's own (0 for a block row,
/// whose layers have their own rows).
/// </summary>
public sealed record SummaryRow(
    string Name,
    string Type,
    long[] OutputShape,
    long TrainableParameters,
    long NonTrainableParameters,
    SummaryRowKind Kind = SummaryRowKind.Layer,
    ResidualBlock? Block = null)
{
    public long Parameters => TrainableParameters + NonTrainableParameters;
}

/// <summary>
/// A Keras-style summary of a ResNet: every layer's output shape and parameter count, measured by running one
/// image through the real TorchSharp network with forward hooks. Like Keras, batch norm's running mean and
/// variance count as non-trainable parameters; trainable parameters equal torchvision's parameter count.
/// </summary>
public sealed record ModelSummary(ResNetConfig Config, int ImageSize, IReadOnlyList<SummaryRow> Rows)
{
    public long TrainableParameters => Rows.Sum(row => row.TrainableParameters);

    public long NonTrainableParameters => Rows.Sum(row => row.NonTrainableParameters);

    public long TotalParameters => TrainableParameters + NonTrainableParameters;

    public string Variant => Config.Variant.Name();

    public static ModelSummary Create(ResNetConfig config, int imageSize)
    {
        if (imageSize < ResNetArchitecture.MinimumImageSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(imageSize), imageSize, $"Image size must be at least {ResNetArchitecture.MinimumImageSize}.");
        }

        // A head fixed to an image size is built for the size summarised; the others take any size.
        config = config.ImageSize is null ? config with { ImageSize = imageSize } : config;
        if (config.Head.NeedsImageSize() && config.ImageSize != imageSize)
        {
            throw new ArgumentException($"The network is built for {config.ImageSize}x{config.ImageSize} input, not {imageSize}.", nameof(imageSize));
        }

        using var model = new ResNet(config);
        model.eval();
        var rows = new List<SummaryRow> { new("input", "Input", [config.InputChannels, imageSize, imageSize], 0, 0, SummaryRowKind.Input) };
        var hooks = new List<Action>();
        foreach (var (name, module) in model.named_modules())
        {
            var isBlock = module is ResidualBlockModule;
            if (module is not nn.Module<Tensor, Tensor> layer || name.Length == 0 || (!isBlock && module.children().Any()))
            {
                continue; // Containers (the network, stages, shortcut sequences) are shown through their layers.
            }

            var hook = layer.register_forward_hook((_, _, output) =>
            {
                rows.Add(isBlock ? BlockRow(name, ((ResidualBlockModule)layer).Description, output) : LayerRow(name, layer, output));
                return output;
            });
            hooks.Add(hook.remove);
        }

        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.call(zeros(1, config.InputChannels, imageSize, imageSize));
        }
        finally
        {
            hooks.ForEach(remove => remove());
        }

        return new ModelSummary(config, imageSize, rows);
    }

    private static SummaryRow LayerRow(string name, nn.Module layer, Tensor output)
    {
        var trainable = layer.parameters().Sum(parameter => parameter.numel());
        var statistics = layer is BatchNorm2d norm ? norm.running_mean!.numel() + norm.running_var!.numel() : 0;
        return new SummaryRow(name, TypeName(layer), output.shape[1..], trainable, statistics);
    }

    private static SummaryRow BlockRow(string name, ResidualBlock block, Tensor output) =>
        new(name, $"{block.ClassName}: add {(block.HasProjection ? "projection" : "identity")} shortcut, ReLU",
            output.shape[1..], 0, 0, SummaryRowKind.BlockOutput, block);

    private static string TypeName(nn.Module layer) => layer switch
    {
        SubsamplingConv1x1 conv => $"Conv2d 1x1{StrideText(conv.Stride)}",
        Conv2d conv => $"Conv2d {conv.kernel_size[0]}x{conv.kernel_size[1]}{StrideText(conv.stride[0])}",
        _ => layer.GetType().Name,
    };

    private static string StrideText(long stride) => stride == 1 ? "" : $"/{stride}";
}
