namespace ResNetService.Topology;

/// <summary>
/// Where a network's feature maps are read, found in its description by layer kind rather than by position, so that
/// they stay put when a variant adds layers: C1 is the stem's activation before its max pool (stride 2), C2..C5 are
/// the outputs of the stages layer1..layer4, and the embedding is the fully connected layer's input (C5 pooled and
/// flattened).
/// </summary>
public static class FeatureTaps
{
    /// <summary>The index in <see cref="Network.Stem"/> of the layer whose output is C1: the last ReLU before the max pool.</summary>
    public static int StemTap(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var stem = network.Stem;
        var pool = stem.TakeWhile(layer => layer is not MaxPool).Count();
        for (var i = pool - 1; i >= 0; i--)
        {
            if (stem[i] is Relu)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The stem of {network.Config.Title} has no ReLU before its max pool to read C1 from.");
    }

    /// <summary>How many layers of <see cref="Network.Head"/> come before the fully connected layer: their output is the embedding.</summary>
    public static int HeadTap(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var count = network.Head.TakeWhile(layer => layer is not Linear).Count();
        return count < network.Head.Count
            ? count
            : throw new InvalidOperationException($"The head of {network.Config.Title} has no fully connected layer.");
    }

    /// <summary>C1..C5 for a square input of side <paramref name="imageSize"/>: channels and side, read off the layers.</summary>
    public static IReadOnlyList<FeatureMapShape> Shapes(Network network, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 1);
        var tap = StemTap(network);
        var channels = network.Config.InputChannels;
        var side = imageSize;
        for (var i = 0; i <= tap; i++)
        {
            side = Side(network.Stem[i], side);
            channels = network.Stem[i] is Conv conv ? conv.OutChannels : channels;
        }

        var shapes = new List<FeatureMapShape> { new(1, channels, side) };
        side = network.Stem.Skip(tap + 1).Aggregate(side, (s, layer) => Side(layer, s));
        foreach (var (_, blocks) in network.Stages())
        {
            side = blocks.SelectMany(block => block.MainPath).Aggregate(side, (s, layer) => Side(layer, s));
            shapes.Add(new(shapes.Count + 1, blocks[^1].Plan.OutChannels, side));
        }

        return shapes;
    }

    /// <summary>The side of a layer's output for an input of side <paramref name="side"/> (PyTorch's floor rounding).</summary>
    private static int Side(Layer layer, int side)
    {
        var output = layer switch
        {
            Conv conv => Window(side, conv.Kernel, conv.Stride, conv.Padding),
            MaxPool pool => Window(side, pool.Kernel, pool.Stride, pool.Padding),
            BatchNorm or Relu => side,
            _ => throw new NotSupportedException($"No rule for the size of what layer '{layer.Name}' ({layer.GetType().Name}) outputs."),
        };
        return output >= 1
            ? output
            : throw new ArgumentOutOfRangeException(nameof(side), side, $"Layer '{layer.Name}' leaves no pixel of a {side}-pixel input.");
    }

    private static int Window(int side, int kernel, int stride, int padding) =>
        side + 2 * padding < kernel ? 0 : (side + 2 * padding - kernel) / stride + 1;
}

/// <summary>One feature map's shape per image: C<see cref="Level"/>, <see cref="Channels"/> x <see cref="Side"/> x <see cref="Side"/>.</summary>
public sealed record FeatureMapShape(int Level, int Channels, int Side)
{
    /// <summary>"c1".."c5".</summary>
    public string Name => $"c{Level}";
}
