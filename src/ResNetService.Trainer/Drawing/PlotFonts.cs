namespace ResNetService.Trainer.Drawing;

/// <summary>
/// Points ScottPlot's default font at font files, because Skia here has no fontconfig to find one by name.
/// Titles and axis labels are bold, so a bold face is registered too (the regular file when no bold one exists);
/// without it they silently vanish.
/// </summary>
internal static class PlotFonts
{
    private const string Family = "ResNetTrainerSans";
    private static readonly Lazy<bool> Registered = new(() =>
    {
        if (Fonts.SansPath is not { } regular)
        {
            return false;
        }

        var bold = Path.Combine(Path.GetDirectoryName(regular)!, Path.GetFileNameWithoutExtension(regular).Replace("-Regular", "") + "-Bold.ttf");
        ScottPlot.Fonts.AddFontFile(Family, regular, bold: false, italic: false);
        ScottPlot.Fonts.AddFontFile(Family, File.Exists(bold) ? bold : regular, bold: true, italic: false);
        ScottPlot.Fonts.Default = Family;
        return true;
    });

    public static bool Register() => Registered.Value;
}
