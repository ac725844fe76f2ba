using System.Buffers.Binary;
using System.IO.Compression;

namespace ResNetService.Trainer.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST: a big-endian magic number (0x0803 for unsigned-byte images
/// with 3 dimensions, 0x0801 for labels with 1), the dimension sizes, then the bytes. Files may be gzipped.
/// </summary>
public static class IdxReader
{
    private const int ImagesMagic = 0x0803;
    private const int LabelsMagic = 0x0801;

    /// <summary>Reads an images file and its labels file; the counts must agree.</summary>
    public static RawImages Read(string imagesPath, string labelsPath)
    {
        var (imageDims, pixels) = ReadFile(imagesPath, ImagesMagic);
        var (labelDims, labelBytes) = ReadFile(labelsPath, LabelsMagic);
        if (imageDims[0] != labelDims[0])
        {
            throw new DataSetException($"IDX files disagree: {imagesPath} holds {imageDims[0]} images but {labelsPath} holds {labelDims[0]} labels.");
        }

        return new RawImages(pixels, labelBytes.Select(b => (int)b).ToArray(), imageDims[1], imageDims[2], Channels: 1);
    }

    private static (int[] Dims, byte[] Data) ReadFile(string path, int expectedMagic)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file not found: {path}", path);
        }

        byte[] bytes;
        try
        {
            bytes = ReadAllBytes(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataSetException($"IDX file {path} is not valid gzip: {e.Message}", e);
        }

        var rank = expectedMagic & 0xFF;
        var headerBytes = 4 + 4 * rank;
        if (bytes.Length < headerBytes)
        {
            throw new DataSetException($"IDX file {path} is truncated: {bytes.Length} bytes, shorter than its header.");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
        {
            throw new DataSetException($"IDX file {path} has magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} ({(rank == 3 ? "images" : "labels")}).");
        }

        var dims = new int[rank];
        long expectedBytes = 1;
        for (var d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dims[d] <= 0)
            {
                throw new DataSetException($"IDX file {path} declares a dimension of size {dims[d]}.");
            }

            expectedBytes *= dims[d];
        }

        if (bytes.Length - headerBytes != expectedBytes)
        {
            throw new DataSetException($"IDX file {path} is truncated or has extra bytes: {bytes.Length - headerBytes} data bytes, expected {expectedBytes}.");
        }

        return (dims, bytes[headerBytes..]);
    }

    private static byte[] ReadAllBytes(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Finds the four files of an IDX data set in a folder: train-images*, train-labels*, and t10k-* (or test-*)
    /// for the test split, gzipped or not.
    /// </summary>
    public static (string TrainImages, string TrainLabels, string TestImages, string TestLabels) FindFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"IDX data folder not found: {directory}");
        }

        var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray();
        string Find(string description, params string[] prefixes) =>
            files.FirstOrDefault(f => prefixes.Any(p => Path.GetFileName(f).StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            ?? throw new FileNotFoundException($"No {description} file ({string.Join(" or ", prefixes.Select(p => p + "*"))}) in {directory}.");

        return (Find("training images", "train-images"), Find("training labels", "train-labels"),
            Find("test images", "t10k-images", "test-images"), Find("test labels", "t10k-labels", "test-labels"));
    }
}
