using System.Globalization;
using ResNetService.Trainer.Drawing;
using SkiaSharp;

namespace ResNetService.Trainer.Evaluation;

/// <summary>Draws a confusion matrix as a PNG: rows are true classes, columns predictions, shade by row share.</summary>
public static class ConfusionMatrixImage
{
    private const int Cell = 56;
    private const int Margin = 24;

    public static void Save(ConfusionMatrix matrix, string path, string title)
    {
        var n = matrix.Classes.Count;
        using var typeface = Fonts.Sans();
        using var font = new SKFont(typeface, 13);
        using var titleFont = new SKFont(typeface, 17);
        var labelWidth = (int)matrix.Classes.Max(c => font.MeasureText(c)) + 12;
        var left = Margin + labelWidth;
        var top = Margin + 40 + labelWidth;
        var heading = $"{title}  (accuracy {100 * matrix.Accuracy:F2}%)";
        const string footer = "rows: true class, columns: predicted class";
        var width = (int)Math.Max(left + n * Cell + Margin, Math.Max(2 * Margin + titleFont.MeasureText(heading), left + font.MeasureText(footer) + Margin));
        using var bitmap = new SKBitmap(width, top + n * Cell + Margin + 24);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var fill = new SKPaint();

        canvas.DrawText(heading, Margin, Margin + 17, SKTextAlign.Left, titleFont, ink);
        for (var a = 0; a < n; a++)
        {
            var support = Math.Max(matrix.Support(a), 1);
            for (var p = 0; p < n; p++)
            {
                var share = (double)matrix[a, p] / support;
                var shade = (byte)(255 - 200 * share);
                fill.Color = new SKColor(shade, shade, 255);
                var x = left + p * Cell;
                var y = top + a * Cell;
                canvas.DrawRect(x, y, Cell - 1, Cell - 1, fill);
                var count = matrix[a, p].ToString(CultureInfo.InvariantCulture);
                ink.Color = share > 0.6 ? SKColors.White : SKColors.Black;
                canvas.DrawText(count, x + Cell / 2f, y + Cell / 2f + 5, SKTextAlign.Center, font, ink);
                ink.Color = SKColors.Black;
            }

            canvas.DrawText(matrix.Classes[a], left - 6, top + a * Cell + Cell / 2f + 5, SKTextAlign.Right, font, ink);
            // Column labels run upwards so long class names fit.
            canvas.Save();
            canvas.Translate(left + a * Cell + Cell / 2f + 5, top - 6);
            canvas.RotateDegrees(-90);
            canvas.DrawText(matrix.Classes[a], 0, 0, SKTextAlign.Left, font, ink);
            canvas.Restore();
        }

        canvas.DrawText(footer, left, top + n * Cell + 20, SKTextAlign.Left, font, ink);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
