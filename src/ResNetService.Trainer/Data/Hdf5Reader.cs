using PureHDF;

namespace ResNetService.Trainer.Data;

/// <summary>
/// Reads HDF5 files laid out like the SIGNS data of the Keras ResNet tutorial: <c>train_set_x</c> (N, H, W, 3 bytes),
/// <c>train_set_y</c> (N integers) and <c>list_classes</c> in the training file, <c>test_set_x</c>/<c>test_set_y</c>
/// in the test file. Class names come from <c>list_classes</c> (strings, or numbers written as text).
/// </summary>
public static class Hdf5Reader
{
    public static (RawImages Images, IReadOnlyList<string>? Classes) Read(string path, string split)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"HDF5 file not found: {path}", path);
        }

        try
        {
            using var file = H5File.OpenRead(path);
            var images = ReadImages(file, path, $"{split}_set_x");
            var labels = ReadIntegers(Dataset(file, path, $"{split}_set_y"), path, $"{split}_set_y");
            if (labels.Length != images.Count)
            {
                throw new DataSetException($"{path}: {split}_set_x holds {images.Count} images but {split}_set_y holds {labels.Length} labels.");
            }

            var classes = file.LinkExists("list_classes") ? ReadClassNames(file.Dataset("list_classes"), path) : null;
            return (images with { Labels = labels }, classes);
        }
        catch (DataSetException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new DataSetException($"HDF5 file {path} could not be read: {e.Message}", e);
        }
    }

    private static IH5Dataset Dataset(IH5Group file, string path, string name) =>
        file.LinkExists(name) ? file.Dataset(name) : throw new DataSetException($"{path} has no data set '{name}'.");

    private static RawImages ReadImages(IH5Group file, string path, string name)
    {
        var dataset = Dataset(file, path, name);
        var dims = dataset.Space.Dimensions;
        if (dataset.Type.Class != H5DataTypeClass.FixedPoint || dataset.Type.Size != 1)
        {
            throw new DataSetException($"{path}: '{name}' must hold unsigned bytes (uint8 pixels).");
        }

        var channels = dims.Length switch
        {
            3 => 1,
            4 when dims[3] is 1 or 3 => (int)dims[3],
            _ => throw new DataSetException($"{path}: '{name}' has shape ({string.Join(", ", dims)}), expected (N, H, W, 3) or (N, H, W)."),
        };
        return new RawImages(dataset.Read<byte[]>(), new int[dims[0]], (int)dims[1], (int)dims[2], channels);
    }

    /// <summary>Labels may be stored as (N) or (1, N) integers of any width.</summary>
    private static int[] ReadIntegers(IH5Dataset dataset, string path, string name)
    {
        if (dataset.Type.Class != H5DataTypeClass.FixedPoint)
        {
            throw new DataSetException($"{path}: '{name}' must hold integers.");
        }

        return (dataset.Type.Size, dataset.Type.FixedPoint.IsSigned) switch
        {
            (1, _) => dataset.Read<byte[]>().Select(v => (int)v).ToArray(),
            (2, true) => dataset.Read<short[]>().Select(v => (int)v).ToArray(),
            (2, false) => dataset.Read<ushort[]>().Select(v => (int)v).ToArray(),
            (4, true) => dataset.Read<int[]>(),
            (4, false) => dataset.Read<uint[]>().Select(v => (int)v).ToArray(),
            (8, true) => dataset.Read<long[]>().Select(v => (int)v).ToArray(),
            (8, false) => dataset.Read<ulong[]>().Select(v => (int)v).ToArray(),
            _ => throw new DataSetException($"{path}: '{name}' has an unsupported integer width of {dataset.Type.Size} bytes."),
        };
    }

    private static string[] ReadClassNames(IH5Dataset dataset, string path) =>
        dataset.Type.Class == H5DataTypeClass.String
            ? dataset.Read<string[]>()
            : ReadIntegers(dataset, path, "list_classes").Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
