using ResNetService.Trainer.Evaluation;
using ResNetService.Trainer.Tests.Support;
using SkiaSharp;

namespace ResNetService.Trainer.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    // Class 0: 3 right, 1 called "dog"; class 1: 2 right; class 2 ("bird"): 1 right, 2 called "cat".
    private static ConfusionMatrix Known()
    {
        var matrix = new ConfusionMatrix(["cat", "dog", "bird"]);
        matrix.AddRange([0, 0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 0, 1, 1, 1, 2, 0, 0]);
        return matrix;
    }

    [Fact]
    public void Counts_and_accuracies_follow_the_predictions()
    {
        var matrix = Known();

        Assert.Equal(9, matrix.Total);
        Assert.Equal(1, matrix[0, 1]);
        Assert.Equal(2, matrix[2, 0]);
        Assert.Equal(0, matrix[1, 0]);
        Assert.Equal(6.0 / 9, matrix.Accuracy, 12);
        Assert.Equal(0.75, matrix.ClassAccuracy(0), 12);
        Assert.Equal(1.0, matrix.ClassAccuracy(1), 12);
        Assert.Equal(1.0 / 3, matrix.ClassAccuracy(2), 12);
        Assert.Equal(3, matrix.Support(2));
    }

    [Fact]
    public void Text_has_a_row_per_class_with_its_counts_and_accuracy()
    {
        var lines = Known().ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^2:bird\s+2\s+0\s+1\s+33\.33%", lines[3].TrimEnd());
        Assert.Matches(@"^0:cat\s+3\s+1\s+0\s+75\.00%", lines[1].TrimEnd());
    }

    [Fact]
    public void Picture_is_a_png_with_a_cell_per_pair()
    {
        using var folder = new TempFolder();
        var path = folder["confusion.png"];

        ConfusionMatrixImage.Save(Known(), path, "known");

        using var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        Assert.True(image.Width >= 3 * 56 && image.Height >= 3 * 56, $"{image.Width}x{image.Height} is too small for 3x3 cells");
        // The diagonal cell of "dog" (all right) is the darkest shade; the empty cell beside it is white.
        var pixels = Enumerable.Range(0, image.Width * image.Height).Select(i => image.GetPixel(i % image.Width, i / image.Width));
        Assert.Contains(pixels, p => p.Red < 70 && p.Blue == 255);
    }
}
