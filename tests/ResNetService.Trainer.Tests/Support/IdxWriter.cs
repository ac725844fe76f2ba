using System.Buffers.Binary;
using System.IO.Compression;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>Writes IDX files the way MNIST ships them, so the reader is tested on files made here.</summary>
public static class IdxWriter
{
    public static void WriteImages(string path, byte[] pixels, int count, int height, int width) =>
        Write(path, 0x0803, [count, height, width], pixels);

    public static void WriteLabels(string path, byte[] labels) => Write(path, 0x0801, [labels.Length], labels);

    public static byte[] Encode(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var d = 0; d < dims.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        }

        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private static void Write(string path, int magic, int[] dims, byte[] data)
    {
        var bytes = Encode(magic, dims, data);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
    }

    /// <summary>A small IDX data set: images whose brightness is label x 250 / classes, in a folder of four files.</summary>
    public static void WriteDataSet(string directory, int trainCount, int testCount, int size = 8, bool gzip = true, int classes = 10)
    {
        Directory.CreateDirectory(directory);
        var suffix = gzip ? ".gz" : "";
        foreach (var (prefix, count) in new[] { ("train", trainCount), ("t10k", testCount) })
        {
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray();
            var pixels = new byte[count * size * size];
            for (var i = 0; i < count; i++)
            {
                Array.Fill(pixels, (byte)(labels[i] * 250 / classes), i * size * size, size * size);
            }

            WriteImages(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{suffix}"), pixels, count, size, size);
            WriteLabels(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{suffix}"), labels);
        }
    }
}
