using ResNetService.Topology;

namespace ResNetService.Trainer.Summary;

/// <summary>
/// One layer as Keras' model.summary() lists it: its name, its Keras class, its output shape (without the batch,
/// channels first as measured), its parameters (batch norm's moving statistics included) and the layers it reads.
/// <see cref="Block"/> names the residual block it belongs to ("layer1.0"; null in the stem and the head), and
/// <see cref="OnShortcut"/> marks the projection shortcut's layers.
/// </summary>
public sealed record KerasLayer(
    string Name, string Type, long[] OutputShape, long Parameters, IReadOnlyList<string> Inputs, string? Block = null, bool OnShortcut = false);

/// <summary>
/// Turns a <see cref="ModelSummary"/> into the layers Keras would show for the same network: each residual block's
/// sum becomes an <c>Add</c> layer reading the main path's last batch norm and the shortcut (the projection's batch
/// norm, or the block's input), followed by the block's own <c>Activation</c>; block rows disappear.
/// </summary>
public static class KerasLayers
{
    public static IReadOnlyList<KerasLayer> From(ModelSummary summary)
    {
        var network = ResNetTopology.Describe(summary.Config);
        var layers = network.NamedLayers().ToDictionary(named => named.Name, named => named.Layer);
        var blockOf = network.Blocks.SelectMany(block => block.NamedLayers().Select(named => (named.Name, Block: block)))
            .ToDictionary(entry => entry.Name, entry => entry.Block);
        var onShortcut = network.Blocks
            .SelectMany(block => (block.Downsample ?? []).Select(layer => $"{block.Name}.{ResidualBlock.DownsampleName}.{layer.Name}"))
            .ToHashSet();

        var result = new List<KerasLayer>();
        var rows = summary.Rows;
        var previous = "";
        ResidualBlock? current = null;
        var blockInput = "";
        string? shortcut = null;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Kind == SummaryRowKind.Input)
            {
                result.Add(new KerasLayer(row.Name, "InputLayer", row.OutputShape, 0, []));
                previous = row.Name;
                continue;
            }

            if (row.Kind == SummaryRowKind.BlockOutput)
            {
                continue; // Keras shows a block through its add and activation.
            }

            var layer = layers[row.Name];
            if (blockOf.TryGetValue(row.Name, out var block) && !ReferenceEquals(block, current))
            {
                current = block;
                blockInput = previous;
                shortcut = null;
            }

            if (block is not null && row.Name == $"{block.Name}.{block.Activation.Name}")
            {
                var add = $"{block.Name}.add";
                result.Add(new KerasLayer(add, "Add", row.OutputShape, 0, [previous, shortcut ?? blockInput], block.Name));
                result.Add(new KerasLayer(row.Name, KerasType(layer), row.OutputShape, row.Parameters, [add], block.Name));
                previous = row.Name;
            }
            else if (onShortcut.Contains(row.Name))
            {
                result.Add(new KerasLayer(row.Name, KerasType(layer), row.OutputShape, row.Parameters, [shortcut ?? blockInput], block!.Name, OnShortcut: true));
                shortcut = row.Name;
            }
            else if (layer is GlobalAveragePool && i + 1 < rows.Count && layers.GetValueOrDefault(rows[i + 1].Name) is Topology.Flatten)
            {
                // Keras's GlobalAveragePooling2D already returns [batch, channels]: the flatten that PyTorch needs is part of it.
                result.Add(new KerasLayer(row.Name, KerasType(layer), rows[i + 1].OutputShape, row.Parameters, [previous]));
                previous = row.Name;
                i++;
            }
            else
            {
                result.Add(new KerasLayer(row.Name, KerasType(layer), row.OutputShape, row.Parameters, [previous], block?.Name));
                previous = row.Name;
            }
        }

        return result;
    }

    /// <summary>A shape as Keras prints it: batch first as None, channels last; the input layer's in a list.</summary>
    public static string ShapeText(KerasLayer layer)
    {
        var shape = layer.OutputShape;
        IEnumerable<long> channelsLast = shape.Length == 3 ? [shape[1], shape[2], shape[0]] : shape;
        var text = $"(None, {string.Join(", ", channelsLast)})";
        return layer.Type == "InputLayer" ? $"[{text}]" : text;
    }

    private static string KerasType(Layer layer) => layer switch
    {
        Conv => "Conv2D",
        BatchNorm => "BatchNormalization",
        Relu => "Activation",
        ZeroPad => "ZeroPadding2D",
        MaxPool => "MaxPooling2D",
        GlobalAveragePool => "GlobalAveragePooling2D",
        AveragePool => "AveragePooling2D",
        Topology.Flatten => "Flatten",
        Linear => "Dense",
        _ => throw new NotSupportedException($"No Keras layer for '{layer.Name}' ({layer.GetType().Name})."),
    };
}
