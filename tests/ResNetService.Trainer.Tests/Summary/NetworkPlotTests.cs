using System.Xml.Linq;
using ResNetService.Topology;
using ResNetService.Trainer.Summary;
using SkiaSharp;

namespace ResNetService.Trainer.Tests.Summary;

public sealed class NetworkPlotTests
{
    private static readonly ModelSummary ResNet50 = ModelSummary.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 10), 64);

    [Fact]
    public void Svg_is_well_formed_and_labels_every_block_with_its_shortcut()
    {
        var svg = XDocument.Parse(SvgPictureWriter.ToSvg(NetworkPlot.Layout(ResNet50)));

        var texts = svg.Descendants().Where(element => element.Name.LocalName == "text").Select(element => element.Value).ToList();
        foreach (var block in ResNetTopology.Describe(ResNet50.Config).Blocks)
        {
            Assert.Contains($"{block.Name} · Bottleneck", texts);
        }

        Assert.Equal(4, texts.Count(text => text.StartsWith("shortcut: projection", StringComparison.Ordinal)));
        Assert.Equal(12, texts.Count(text => text == "shortcut: identity"));
        Assert.Contains("output: 2048 × 2 × 2", texts);
    }

    [Fact]
    public void Png_has_the_layouts_size_and_draws_text()
    {
        var picture = NetworkPlot.Layout(ResNet50);

        using var bitmap = SKBitmap.Decode(PngPictureWriter.ToPng(picture));

        Assert.Equal((int)Math.Ceiling(picture.Width), bitmap.Width);
        Assert.Equal((int)Math.Ceiling(picture.Height), bitmap.Height);
        // The title is the only thing in the top band: dark pixels there mean glyphs were drawn.
        var title = (PictureText)picture.Shapes.First(shape => shape is PictureText);
        var darkPixels = 0;
        for (var y = (int)(title.Y - title.Size); y <= (int)title.Y; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                darkPixels += bitmap.GetPixel(x, y).Red < 128 ? 1 : 0;
            }
        }

        Assert.True(darkPixels > 50, $"only {darkPixels} dark pixels where the title should be");
    }
}
