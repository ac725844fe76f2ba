using ResNetService.Onnx.ModelFile;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Tests.Support;
using SkiaSharp;

namespace ResNetService.Trainer.Tests.Data;

public sealed class ImageFolderReaderTests
{
    private static void WriteClass(string folder, int count, SKColor color)
    {
        for (var i = 0; i < count; i++)
        {
            PngWriter.Write(Path.Combine(folder, $"{i:D2}.png"), 20, 10, color);
        }
    }

    [Fact]
    public void Classes_are_sorted_folder_names_and_the_split_is_per_class_and_seeded()
    {
        using var folder = new TempFolder();
        WriteClass(folder["zebra"], 10, SKColors.Red);
        WriteClass(folder["ant"], 10, SKColors.Blue);

        var first = ImageFolderReader.Read(folder.Path, 8, ResizeModes.Direct, validationSplit: 0.3, seed: 7);
        var again = ImageFolderReader.Read(folder.Path, 8, ResizeModes.Direct, validationSplit: 0.3, seed: 7);

        Assert.Equal(["ant", "zebra"], first.Classes);
        Assert.Equal((14, 6), (first.Train.Count, first.Test.Count));
        Assert.Equal(3, first.Test.Labels.Count(l => l == 0));
        Assert.Equal(first.Train.Pixels, again.Train.Pixels);
        // "ant" is blue: the blue plane is full, the red plane empty.
        var ant = first.Train.Image(Array.IndexOf(first.Train.Labels, 0));
        Assert.Equal(255, ant[2 * 64]);
        Assert.Equal(0, ant[0]);
    }

    [Fact]
    public void Train_and_test_folders_are_used_as_the_splits()
    {
        using var folder = new TempFolder();
        WriteClass(folder["train/cat"], 3, SKColors.Gray);
        WriteClass(folder["train/dog"], 4, SKColors.White);
        WriteClass(folder["test/cat"], 1, SKColors.Gray);
        WriteClass(folder["test/dog"], 2, SKColors.White);

        var (classes, train, test) = ImageFolderReader.Read(folder.Path, 8, ResizeModes.ShorterSideThenCrop, 0.2, 0);

        Assert.Equal(["cat", "dog"], classes);
        Assert.Equal((7, 3), (train.Count, test.Count));
        Assert.Equal([0, 1, 1], test.Labels);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named_in_the_error()
    {
        using var folder = new TempFolder();
        WriteClass(folder["a"], 3, SKColors.Red);
        WriteClass(folder["b"], 3, SKColors.Blue);
        File.WriteAllText(folder["b/broken.png"], "not a png");

        var error = Assert.Throws<DataSetException>(() => ImageFolderReader.Read(folder.Path, 8, ResizeModes.Direct, 0.3, 0));
        Assert.Contains("broken.png", error.Message);
    }

    [Fact]
    public void A_truncated_image_is_an_error()
    {
        using var folder = new TempFolder();
        WriteClass(folder["a"], 3, SKColors.Red);
        WriteClass(folder["b"], 3, SKColors.Blue);
        var bytes = File.ReadAllBytes(folder["b/00.png"]);
        File.WriteAllBytes(folder["b/00.png"], bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataSetException>(() => ImageFolderReader.Read(folder.Path, 8, ResizeModes.Direct, 0.3, 0));
        Assert.Contains("00.png", error.Message);
    }

    [Fact]
    public void Shorter_side_crop_keeps_the_centre()
    {
        // 30x10: left third red, middle blue, right third green; the centre square is the blue part.
        using var bitmap = new SKBitmap(30, 10);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Red);
            canvas.DrawRect(10, 0, 10, 10, new SKPaint { Color = SKColors.Blue });
            canvas.DrawRect(20, 0, 10, 10, new SKPaint { Color = SKColors.Lime });
        }

        var cropped = new byte[3 * 4 * 4];
        var stretched = new byte[3 * 4 * 4];
        ImageResizer.Resize(bitmap, cropped, 4, ResizeModes.ShorterSideThenCrop);
        ImageResizer.Resize(bitmap, stretched, 4, ResizeModes.Direct);

        Assert.Equal([0, 0, 255], new[] { cropped[0], cropped[16], cropped[32] });
        Assert.True(stretched[0] > 200 && stretched[32] < 50, "stretching keeps the red left edge");
    }
}
