namespace ResNetService.Topology;

/// <summary>The side of a square feature map after each layer, computed from the description alone.</summary>
public static class SpatialSize
{
    public static int After(Layer layer, int side) => layer switch
    {
        ZeroPad pad => side + 2 * pad.Padding,
        Conv conv => Window(side, conv.Kernel, conv.Stride, conv.Padding),
        MaxPool pool => Window(side, pool.Kernel, pool.Stride, pool.Padding),
        AveragePool pool => Window(side, pool.Kernel, pool.Stride, padding: 0),
        GlobalAveragePool => 1,
        _ => side,
    };

    public static int After(IEnumerable<Layer> layers, int side) => layers.Aggregate(side, (size, layer) => After(layer, size));

    /// <summary>The last feature map's side: the stem, then every block's main path (the shortcut has the same shape).</summary>
    public static int AfterBlocks(IEnumerable<Layer> stem, IEnumerable<ResidualBlock> blocks, int imageSize) =>
        blocks.Aggregate(After(stem, imageSize), (size, block) => After(block.MainPath, size));

    /// <summary>floor((n + 2p - k) / s) + 1, as PyTorch, ONNX and Keras's "valid" windows count; 0 when the window does not fit.</summary>
    private static int Window(int side, int kernel, int stride, int padding) =>
        side + 2 * padding < kernel ? 0 : (side + 2 * padding - kernel) / stride + 1;
}
