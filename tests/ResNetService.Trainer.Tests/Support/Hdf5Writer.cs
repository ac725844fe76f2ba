using PureHDF;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>Writes SIGNS-style HDF5 files (train_set_x/y, list_classes; test_set_x/y) with PureHDF.</summary>
public static class Hdf5Writer
{
    /// <summary>Images of <paramref name="size"/> x size x 3 whose red channel depends on the label.</summary>
    public static void WriteSplit(string path, string split, int count, int classes, int size = 16)
    {
        var labels = Enumerable.Range(0, count).Select(i => (long)(i % classes)).ToArray();
        var pixels = new byte[count * size * size * 3];
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < size * size; p++)
            {
                pixels[(i * size * size + p) * 3] = (byte)(labels[i] * 40);
                pixels[(i * size * size + p) * 3 + 1] = 100;
            }
        }

        var file = new H5File
        {
            [$"{split}_set_x"] = new H5Dataset(pixels, fileDims: [(ulong)count, (ulong)size, (ulong)size, 3]),
            [$"{split}_set_y"] = labels,
            ["list_classes"] = Enumerable.Range(0, classes).Select(c => (long)c).ToArray(),
        };
        file.Write(path);
    }
}
