using ResNetService.Onnx.ModelFile;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Tests.Support;

namespace ResNetService.Trainer.Tests.Data;

public sealed class DataSourceTests
{
    [Fact]
    public void Idx_becomes_three_channel_images_of_the_requested_size()
    {
        using var folder = new TempFolder();
        var data = folder["fashion-mnist"];
        IdxWriter.WriteDataSet(data, trainCount: 20, testCount: 10, size: 8);

        var set = DataSource.Load("idx:" + data, new DataOptions(ImageSize: 12));

        Assert.Equal("fashion-mnist", set.Name);
        Assert.Equal(DataSource.FashionMnistClasses, set.Classes);
        Assert.Equal(ColorModes.Grayscale, set.ColorMode);
        Assert.Equal((20, 10, 12), (set.Train.Count, set.Test.Count, set.ImageSize));
        // Label 3 was drawn at brightness 75 in every channel; a flat image stays flat through the resize.
        var image = set.Train.Image(3);
        Assert.Equal(3 * 12 * 12, image.Length);
        Assert.All(image.ToArray(), value => Assert.InRange(value, 74, 76));
    }

    [Fact]
    public void Idx_names_come_from_a_labels_file_or_default_to_numbers()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["digits"], trainCount: 10, testCount: 10);
        File.WriteAllLines(folder["names.txt"], Enumerable.Range(0, 10).Select(i => $"class {i}"));

        var numbered = DataSource.Load("idx:" + folder["digits"], new DataOptions(ImageSize: 8));
        var named = DataSource.Load("idx:" + folder["digits"], new DataOptions(ImageSize: 8, LabelsFile: folder["names.txt"]));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), numbered.Classes);
        Assert.Equal("class 4", named.Classes[4]);
    }

    [Fact]
    public void Hdf5_signs_layout_is_read_with_its_classes()
    {
        using var folder = new TempFolder();
        Hdf5Writer.WriteSplit(folder["train_signs.h5"], "train", count: 12, classes: 6);
        Hdf5Writer.WriteSplit(folder["test_signs.h5"], "test", count: 6, classes: 6);

        var set = DataSource.Load($"hdf5:{folder["train_signs.h5"]},{folder["test_signs.h5"]}", new DataOptions(ImageSize: 8));

        Assert.Equal(["0", "1", "2", "3", "4", "5"], set.Classes);
        Assert.Equal(ColorModes.Rgb, set.ColorMode);
        Assert.Equal((12, 6), (set.Train.Count, set.Test.Count));
        Assert.Equal(4, set.Train.Labels[10]);
        var plane = 8 * 8;
        var image = set.Train.Image(10);
        Assert.InRange(image[0], 159, 161);          // red = label x 40
        Assert.InRange(image[plane], 99, 101);       // green
        Assert.Equal(0, image[2 * plane]);           // blue
    }

    [Fact]
    public void Hdf5_that_is_not_hdf5_is_a_clear_error()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["train.h5"], "this is not an HDF5 file at all, just text");
        Hdf5Writer.WriteSplit(folder["test.h5"], "test", count: 2, classes: 2);

        var error = Assert.Throws<DataSetException>(() => DataSource.Load($"hdf5:{folder["train.h5"]},{folder["test.h5"]}", new DataOptions(8)));
        Assert.Contains("train.h5", error.Message);
    }

    [Fact]
    public void Hdf5_without_the_expected_data_set_names_it()
    {
        using var folder = new TempFolder();
        Hdf5Writer.WriteSplit(folder["train.h5"], "train", count: 4, classes: 2);

        // The training file used as the test file lacks test_set_x.
        var error = Assert.Throws<DataSetException>(() => DataSource.Load($"hdf5:{folder["train.h5"]},{folder["train.h5"]}", new DataOptions(8)));
        Assert.Contains("test_set_x", error.Message);
    }

    [Theory]
    [InlineData("nowhere", typeof(ArgumentException))]
    [InlineData("csv:/tmp/x", typeof(ArgumentException))]
    [InlineData("idx:/no/such/folder", typeof(DirectoryNotFoundException))]
    [InlineData("folder:/no/such/folder", typeof(DirectoryNotFoundException))]
    [InlineData("hdf5:/only-one.h5", typeof(ArgumentException))]
    public void Bad_sources_are_clear_errors(string source, Type expected)
    {
        Assert.Throws(expected, () => DataSource.Load(source, new DataOptions(8)));
    }
}
