using ResNetService.Trainer.Drawing;
using SkiaSharp;

namespace ResNetService.Trainer.Summary;

/// <summary>Draws a <see cref="NetworkPicture"/> with SkiaSharp and encodes it as PNG.</summary>
public static class PngPictureWriter
{
    public static byte[] ToPng(NetworkPicture picture)
    {
        using var surface = SKSurface.Create(new SKImageInfo((int)Math.Ceiling(picture.Width), (int)Math.Ceiling(picture.Height)));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = Fonts.Sans();
        foreach (var shape in picture.Shapes)
        {
            switch (shape)
            {
                case PictureBox box:
                    DrawBox(canvas, box);
                    break;
                case PictureText text:
                    DrawText(canvas, typeface, text);
                    break;
                case PictureLine line:
                    DrawLine(canvas, line);
                    break;
            }
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawBox(SKCanvas canvas, PictureBox box)
    {
        var rectangle = SKRect.Create(box.X, box.Y, box.Width, box.Height);
        using var fill = new SKPaint { Color = SKColor.Parse(box.Fill), IsAntialias = true, Style = SKPaintStyle.Fill };
        canvas.DrawRoundRect(rectangle, 6, 6, fill);
        using var dash = box.Dashed ? SKPathEffect.CreateDash([6, 4], 0) : null;
        using var stroke = new SKPaint
        {
            Color = SKColor.Parse(box.Stroke),
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            StrokeWidth = 1,
            PathEffect = dash,
        };
        canvas.DrawRoundRect(rectangle, 6, 6, stroke);
    }

    private static void DrawText(SKCanvas canvas, SKTypeface typeface, PictureText text)
    {
        using var font = new SKFont(typeface, text.Size) { Embolden = text.Bold, Subpixel = true };
        using var paint = new SKPaint { Color = SKColor.Parse(text.Color), IsAntialias = true };
        canvas.DrawText(text.Text, text.X, text.Y, text.Anchor == TextAnchor.Middle ? SKTextAlign.Center : SKTextAlign.Left, font, paint);
    }

    private static void DrawLine(SKCanvas canvas, PictureLine line)
    {
        using var paint = new SKPaint { Color = SKColor.Parse(line.Color), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f };
        foreach (var (from, to) in line.Points.Zip(line.Points.Skip(1)))
        {
            canvas.DrawLine(from.X, from.Y, to.X, to.Y, paint);
        }

        if (line.Arrow && line.Points.Count > 1)
        {
            DrawArrowHead(canvas, line.Points[^2], line.Points[^1], SKColor.Parse(line.Color));
        }
    }

    private static void DrawArrowHead(SKCanvas canvas, (float X, float Y) from, (float X, float Y) to, SKColor color)
    {
        var angle = MathF.Atan2(to.Y - from.Y, to.X - from.X);
        const float length = 9;
        const float spread = 0.4f;
        using var builder = new SKPathBuilder();
        builder.MoveTo(to.X, to.Y);
        builder.LineTo(to.X - length * MathF.Cos(angle - spread), to.Y - length * MathF.Sin(angle - spread));
        builder.LineTo(to.X - length * MathF.Cos(angle + spread), to.Y - length * MathF.Sin(angle + spread));
        builder.Close();
        using var head = builder.Detach();
        using var paint = new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };
        canvas.DrawPath(head, paint);
    }
}
