using ResNetService.Topology;

namespace ResNetService.Trainer.Summary;

/// <summary>
/// Lays out a ResNet the way Keras' plot_model draws a model: a column of boxes joined by arrows, top to bottom.
/// The stem, each residual block (main path, shortcut kind, output shape) inside a frame per stage, then the head.
/// A block's shortcut is drawn beside it: a plain bypass for identity, a bypass through a 1x1 conv for projection.
/// </summary>
public static class NetworkPlot
{
    private const float Margin = 24;
    private const float StageIndent = 18;
    private const float BoxWidth = 380;
    private const float LineHeight = 17;
    private const float Gap = 26;
    private const float ShortcutWidth = 150;
    private const float TitleSize = 14;
    private const float TextSize = 12;
    private const float CentreX = Margin + StageIndent + BoxWidth / 2;

    private const string Ink = "#222222";
    private const string Muted = "#666666";
    private const string LayerFill = "#eef2f7";
    private const string IdentityFill = "#e3f1e3";
    private const string ProjectionFill = "#fdebd3";
    private const string ProjectionStroke = "#c46a00";

    public static NetworkPicture Layout(ModelSummary summary)
    {
        var shapes = new List<PictureShape>();
        var config = summary.Config;
        var y = Margin;
        shapes.Add(new PictureText(CentreX, y + TitleSize, $"{config.Architecture.Name} ({summary.Variant}), {config.NumClasses} classes",
            TitleSize + 2, Ink, Bold: true));
        y += TitleSize + Gap;

        string Shape(string name) => ShapeText(summary.Rows.First(row => row.Name == name).OutputShape);
        float? previousBottom = null;

        void Node(string title, IReadOnlyList<string> lines, string fill, string stroke)
        {
            var height = 10 + LineHeight * (1 + lines.Count);
            if (previousBottom is { } bottom)
            {
                shapes.Add(new PictureLine([(CentreX, bottom), (CentreX, y)], Ink));
            }

            shapes.Add(new PictureBox(CentreX - BoxWidth / 2, y, BoxWidth, height, fill, stroke));
            shapes.Add(new PictureText(CentreX, y + 5 + TitleSize, title, TitleSize, Ink, Bold: true));
            for (var i = 0; i < lines.Count; i++)
            {
                shapes.Add(new PictureText(CentreX, y + 5 + TitleSize + LineHeight * (i + 1), lines[i], TextSize, Ink));
            }

            previousBottom = y + height;
            y += height + Gap;
        }

        Node("input", [$"output: {Shape("input")}"], LayerFill, Ink);
        // Boxes are labelled with the description's own layers: the stem before its max pool, the pool, then the head.
        var network = ResNetTopology.Describe(config);
        var stem = network.Stem.TakeWhile(layer => layer is not MaxPool).ToList();
        var stemConv = stem.OfType<Conv>().Single();
        var pool = network.Stem.OfType<MaxPool>().Single();
        Node(string.Join(" + ", stem.Select(layer => layer.Name)),
            [$"{Kernel(stemConv.Kernel)}{StrideText(stemConv.Stride)} conv, {stemConv.OutChannels} channels", $"output: {Shape(stem[^1].Name)}"], LayerFill, Ink);
        Node(pool.Name, [$"{Kernel(pool.Kernel)}{StrideText(pool.Stride)} max pool", $"output: {Shape(pool.Name)}"], LayerFill, Ink);

        foreach (var stage in summary.Rows.Where(row => row.Block is not null).GroupBy(row => row.Block!.Plan.Stage))
        {
            var frameTop = y - Gap / 2;
            shapes.Add(new PictureText(Margin + 4, frameTop + TextSize + 2, $"layer{stage.Key}", TextSize, Muted, Bold: true, TextAnchor.Start));
            y += TextSize;
            foreach (var row in stage)
            {
                var block = row.Block!;
                var top = y;
                var shortcut = block.HasProjection ? $"shortcut: projection, 1x1{StrideText(block.Plan.Stride)} conv + bn" : "shortcut: identity";
                Node($"{row.Name} · {block.ClassName}",
                    [MainPath(block), shortcut, $"output: {ShapeText(row.OutputShape)}"],
                    block.HasProjection ? ProjectionFill : IdentityFill, block.HasProjection ? ProjectionStroke : Ink);
                AddShortcut(shapes, top, previousBottom!.Value, block);
            }

            var frameBottom = y - Gap / 2;
            shapes.Insert(0, new PictureBox(Margin, frameTop, BoxWidth + 2 * StageIndent + ShortcutWidth, frameBottom - frameTop, "#ffffff", "#999999", Dashed: true));
        }

        var pooling = network.Head.TakeWhile(layer => layer is not Linear).ToList();
        var classifier = network.Head.OfType<Linear>().Single();
        var poolingText = pooling[0] is AveragePool average
            ? $"{Kernel(average.Kernel)}{StrideText(average.Stride)} average pool, flatten"
            : "global average pool";
        Node(string.Join(" + ", pooling.Select(layer => layer.Name)), [poolingText, $"output: {Shape(pooling[0].Name)}"], LayerFill, Ink);
        Node(classifier.Name, [$"fully connected, {classifier.OutFeatures} logits", $"output: {Shape(classifier.Name)}"], LayerFill, Ink);

        var width = 2 * Margin + BoxWidth + 2 * StageIndent + ShortcutWidth;
        return new NetworkPicture(width, y - Gap + Margin, shapes);
    }

    /// <summary>The bypass beside a block, from just above its box to its bottom edge, where the sum happens.</summary>
    private static void AddShortcut(List<PictureShape> shapes, float top, float bottom, ResidualBlock block)
    {
        var right = CentreX + BoxWidth / 2;
        var outer = right + ShortcutWidth / 2;
        var start = top - Gap / 2;
        var end = bottom - 8;
        var color = block.HasProjection ? ProjectionStroke : Muted;
        if (!block.HasProjection)
        {
            shapes.Add(new PictureLine([(CentreX, start), (outer, start), (outer, end), (right, end)], color));
            shapes.Add(new PictureText(outer + 6, (start + end) / 2, "+ x", TextSize, color, Anchor: TextAnchor.Start));
            return;
        }

        var middle = (start + end) / 2;
        shapes.Add(new PictureLine([(CentreX, start), (outer, start), (outer, middle - 14)], color));
        shapes.Add(new PictureBox(outer - 52, middle - 14, 104, 28, "#ffffff", color));
        shapes.Add(new PictureText(outer, middle + 4, $"1x1{StrideText(block.Plan.Stride)} conv+bn", TextSize - 1, color));
        shapes.Add(new PictureLine([(outer, middle + 14), (outer, end), (right, end)], color));
    }

    /// <summary>The main path's convolutions, e.g. "1x1, 64 → 3x3/2, 64 → 1x1, 256".</summary>
    private static string MainPath(ResidualBlock block) =>
        string.Join(" → ", block.MainPath.OfType<Conv>().Select(conv => $"{Kernel(conv.Kernel)}{StrideText(conv.Stride)}, {conv.OutChannels}"));

    private static string Kernel(int size) => $"{size}x{size}";

    private static string StrideText(int stride) => stride == 1 ? "" : $"/{stride}";

    private static string ShapeText(IEnumerable<long> shape) => string.Join(" × ", shape);
}
