namespace ResNetService.Trainer.Summary;

/// <summary>
/// A drawing as plain shapes in pixels (origin top left), so one layout can be written as SVG text or drawn to
/// PNG by SkiaSharp and both look the same. Colours are CSS hex strings ("#rrggbb").
/// </summary>
public sealed record NetworkPicture(float Width, float Height, IReadOnlyList<PictureShape> Shapes);

public abstract record PictureShape;

public sealed record PictureBox(float X, float Y, float Width, float Height, string Fill, string Stroke, bool Dashed = false)
    : PictureShape;

public enum TextAnchor
{
    Start,
    Middle,
}

/// <summary>One line of text; <see cref="Y"/> is the baseline.</summary>
public sealed record PictureText(float X, float Y, string Text, float Size, string Color, bool Bold = false, TextAnchor Anchor = TextAnchor.Middle)
    : PictureShape;

/// <summary>A polyline, with an arrow head at its last point when <see cref="Arrow"/> is set.</summary>
public sealed record PictureLine(IReadOnlyList<(float X, float Y)> Points, string Color, bool Arrow = true) : PictureShape;
