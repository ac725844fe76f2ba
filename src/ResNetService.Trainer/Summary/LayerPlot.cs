namespace ResNetService.Trainer.Summary;

/// <summary>
/// Lays out a ResNet layer by layer (summary --plot-level layer), like Keras' plot_model with shapes: every layer a box
/// with its name, Keras type and output shape, in one column top to bottom. A projection shortcut's layers stand in a
/// second column beside their block's main path; every residual connection is drawn as an arrow into its block's add.
/// </summary>
public static class LayerPlot
{
    private const float Margin = 24;
    private const float BoxWidth = 420;
    private const float ShortcutWidth = 390;
    private const float ColumnGap = 60;
    private const float BoxHeight = 22;
    private const float Gap = 12;
    private const float TitleSize = 14;
    private const float TextSize = 11;
    private const float MainX = Margin;
    private const float ShortcutX = MainX + BoxWidth + ColumnGap;

    /// <summary>Where bypass lines run: between the two columns.</summary>
    private const float BypassX = MainX + BoxWidth + ColumnGap / 2;

    private const string Ink = "#222222";
    private const string ShortcutInk = "#c46a00";

    private sealed record Placed(KerasLayer Layer, float X, float Y, float Width)
    {
        public float Bottom => Y + BoxHeight;

        public float Middle => Y + BoxHeight / 2;
    }

    public static NetworkPicture Layout(ModelSummary summary)
    {
        var layers = KerasLayers.From(summary);
        var shapes = new List<PictureShape>();
        var config = summary.Config;
        var y = Margin;
        shapes.Add(new PictureText(MainX, y + TitleSize, $"{config.Title}, {config.InputChannels}x{summary.ImageSize}x{summary.ImageSize} input: every layer",
            TitleSize + 2, Ink, Bold: true, TextAnchor.Start));
        y += TitleSize + 2 * Gap;

        // A shortcut's boxes start level with the first layer of their block's main path; the add waits below both.
        var placed = new Dictionary<string, Placed>();
        string? block = null;
        var shortcutY = 0f;
        foreach (var layer in layers)
        {
            if (layer.Block is not null && layer.Block != block)
            {
                block = layer.Block;
                shortcutY = y;
            }

            if (layer.OnShortcut)
            {
                placed[layer.Name] = new Placed(layer, ShortcutX, shortcutY, ShortcutWidth);
                shortcutY += BoxHeight + Gap;
                continue;
            }

            if (layer.Type == "Add")
            {
                y = Math.Max(y, shortcutY);
            }

            placed[layer.Name] = new Placed(layer, MainX, y, BoxWidth);
            y += BoxHeight + Gap;
        }

        foreach (var box in placed.Values)
        {
            foreach (var input in box.Layer.Inputs)
            {
                shapes.Add(Connection(placed[input], box));
            }
        }

        foreach (var box in placed.Values)
        {
            var (fill, stroke) = Colors(box.Layer);
            shapes.Add(new PictureBox(box.X, box.Y, box.Width, BoxHeight, fill, stroke));
            shapes.Add(new PictureText(box.X + 8, box.Y + BoxHeight / 2 + TextSize / 2 - 1,
                $"{box.Layer.Name}: {box.Layer.Type}  {KerasLayers.ShapeText(box.Layer)}", TextSize, box.Layer.OnShortcut ? ShortcutInk : Ink,
                Anchor: TextAnchor.Start));
        }

        return new NetworkPicture(ShortcutX + ShortcutWidth + Margin, y - Gap + Margin, shapes);
    }

    /// <summary>
    /// An arrow from one box to the next below it, straight when they stand in one column one after the other, else
    /// through the lane between the columns (a shortcut leaving its block's input, or joining its add).
    /// </summary>
    private static PictureLine Connection(Placed from, Placed to)
    {
        // Residual connections (anything that is not the next box in the same column) stand out in the shortcut's colour.
        var color = from.X != to.X || to.Y - from.Bottom > Gap + 0.5f ? ShortcutInk : Ink;
        if (from.X == to.X && to.Y - from.Bottom <= Gap + 0.5f)
        {
            return new PictureLine([(from.X + from.Width / 2, from.Bottom), (to.X + to.Width / 2, to.Y)], color);
        }

        (float X, float Y) start = from.X == MainX ? (from.X + from.Width, from.Middle) : (from.X + from.Width / 2, from.Bottom);
        (float X, float Y) end = to.X == MainX ? (to.X + to.Width, to.Middle) : (to.X + to.Width / 2, to.Y);
        if (from.X == MainX && to.X == MainX)
        {
            // The identity shortcut: out of the block's input, down the lane between the columns, into the add.
            return new PictureLine([start, (BypassX, start.Y), (BypassX, end.Y), end], color);
        }

        return from.X == MainX
            ? new PictureLine([start, (end.X, start.Y), end], color) // out of the block's input, across, down into the shortcut
            : new PictureLine([start, (start.X, end.Y), end], color); // down from the shortcut, across into the add
    }

    private static (string Fill, string Stroke) Colors(KerasLayer layer) => layer.Type switch
    {
        _ when layer.OnShortcut => ("#fdebd3", ShortcutInk),
        "Add" => ("#fff4c2", "#b08900"),
        "Conv2D" => ("#e3ecf8", Ink),
        "BatchNormalization" => ("#f1f1f1", Ink),
        "Activation" => ("#e3f1e3", Ink),
        "Dense" => ("#efe3f8", Ink),
        _ => ("#ffffff", Ink),
    };
}
