using SkiaSharp;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>Draws small solid-colour PNG files with SkiaSharp.</summary>
public static class PngWriter
{
    public static void Write(string path, int width, int height, SKColor color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
