using System.IO.Compression;
using System.Text;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>Writes files laid out as torch.save's zip format: <c>archive/data.pkl</c>, <c>archive/data/&lt;key&gt;</c>, <c>archive/version</c>.</summary>
internal static class TorchZipWriter
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]> storages, string archive = "archive", string? byteOrder = null)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        Add(zip, $"{archive}/data.pkl", pickle);
        if (byteOrder is not null)
        {
            Add(zip, $"{archive}/byteorder", Encoding.ASCII.GetBytes(byteOrder));
        }

        foreach (var (key, bytes) in storages)
        {
            Add(zip, $"{archive}/data/{key}", bytes);
        }

        Add(zip, $"{archive}/version", "3\n"u8.ToArray());
    }

    /// <summary>A state_dict of contiguous float32 tensors, each in its own storage.</summary>
    public static void WriteStateDict(string path, params (string Name, long[] Shape, float[] Values)[] tensors)
    {
        var pickled = tensors.Select((tensor, i) => TorchTensor.Contiguous(tensor.Name, "FloatStorage", i.ToString(), tensor.Shape)).ToArray();
        var storages = tensors.Select((tensor, i) => (Key: i.ToString(), Bytes: LittleEndian.Float32(tensor.Values))).ToDictionary(s => s.Key, s => s.Bytes);
        Write(path, PickleWriter.StateDictFile(pickled), storages);
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        // torch.save stores its entries uncompressed.
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }
}
