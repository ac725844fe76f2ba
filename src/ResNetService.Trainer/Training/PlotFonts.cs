using ResNetService.Trainer.Drawing;

namespace ResNetService.Trainer.Training;

/// <summary>Points ScottPlot's default font at a font file, because Skia here has no fontconfig to find one by name.</summary>
internal static class PlotFonts
{
    private const string Family = "ResNetTrainerSans";
    private static readonly Lazy<bool> Registered = new(() =>
    {
        if (Fonts.SansPath is not { } path)
        {
            return false;
        }

        ScottPlot.Fonts.AddFontFile(Family, path);
        ScottPlot.Fonts.Default = Family;
        return true;
    });

    public static bool Register() => Registered.Value;
}
