using ResNetService.Trainer.Data;
using ResNetService.Trainer.Tests.Support;

namespace ResNetService.Trainer.Tests.Data;

public sealed class IdxReaderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_images_and_labels_gzipped_or_raw(bool gzip)
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder.Path, trainCount: 20, testCount: 10, size: 6, gzip);
        var files = IdxReader.FindFiles(folder.Path);

        var images = IdxReader.Read(files.TrainImages, files.TrainLabels);

        Assert.Equal(20, images.Count);
        Assert.Equal((6, 6, 1), (images.Height, images.Width, images.Channels));
        Assert.Equal(7, images.Labels[17]);
        Assert.Equal(7 * 25, images.Pixels[17 * 36 + 5]);
    }

    [Fact]
    public void Wrong_magic_number_is_a_clear_error()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteImages(folder["images"], new byte[4 * 4], 1, 4, 4);
        IdxWriter.WriteImages(folder["labels"], new byte[4 * 4], 1, 4, 4);

        var error = Assert.Throws<DataSetException>(() => IdxReader.Read(folder["images"], folder["labels"]));
        Assert.Contains("magic number", error.Message);
    }

    [Fact]
    public void Truncated_file_is_a_clear_error()
    {
        using var folder = new TempFolder();
        var bytes = IdxWriter.Encode(0x0803, [3, 4, 4], new byte[48]);
        File.WriteAllBytes(folder["images"], bytes[..^5]);
        IdxWriter.WriteLabels(folder["labels"], [0, 1, 2]);

        var error = Assert.Throws<DataSetException>(() => IdxReader.Read(folder["images"], folder["labels"]));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_a_clear_error()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["images.gz"], [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]);
        IdxWriter.WriteLabels(folder["labels"], [0]);

        var error = Assert.Throws<DataSetException>(() => IdxReader.Read(folder["images.gz"], folder["labels"]));
        Assert.Contains("images.gz", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteImages(folder["images"], new byte[2 * 16], 2, 4, 4);
        IdxWriter.WriteLabels(folder["labels"], [0, 1, 2]);

        var error = Assert.Throws<DataSetException>(() => IdxReader.Read(folder["images"], folder["labels"]));
        Assert.Contains("disagree", error.Message);
    }

    [Fact]
    public void Missing_files_in_the_folder_are_named()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteLabels(folder["train-labels-idx1-ubyte"], [0]);

        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.FindFiles(folder.Path));
        Assert.Contains("train-images", error.Message);
    }
}
