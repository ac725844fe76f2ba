using SkiaSharp;

namespace ResNetService.Trainer.Drawing;

/// <summary>
/// Finds a sans-serif font file for the pictures the trainer draws (network plot, curves, confusion matrix).
/// SkiaSharp's dependency-free Linux build has no fontconfig, so a family name resolves to nothing and text
/// would silently vanish; loading a font file by path works everywhere a font is installed.
/// </summary>
public static class Fonts
{
    private static readonly string[] PreferredFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    private static readonly Lazy<string?> SansFile = new(FindSansFile);

    /// <summary>Path of a sans-serif TrueType font, or null when the machine has none.</summary>
    public static string? SansPath => SansFile.Value;

    /// <summary>A typeface to draw with: the font file when found, else Skia's default (which may draw no glyphs).</summary>
    public static SKTypeface Sans() =>
        SansPath is { } path ? SKTypeface.FromFile(path) ?? SKTypeface.Default : SKTypeface.Default;

    private static string? FindSansFile()
    {
        var preferred = PreferredFiles.FirstOrDefault(File.Exists);
        if (preferred is not null || !Directory.Exists("/usr/share/fonts"))
        {
            return preferred;
        }

        return Directory.EnumerateFiles("/usr/share/fonts", "*.ttf", SearchOption.AllDirectories)
            .Where(path => !Path.GetFileName(path).Contains("Mono", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
