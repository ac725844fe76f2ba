using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>One tensor of a safetensors file: its dtype as the format spells it ("F32", "BF16") and raw bytes.</summary>
internal sealed record SafetensorsTensor(string Name, string Dtype, long[] Shape, byte[] Data);

/// <summary>Writes safetensors files: tensors laid out one after another, or any header and data a test makes up.</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, params SafetensorsTensor[] tensors) => Write(path, Header(tensors), [.. tensors.SelectMany(t => t.Data)]);

    /// <summary>A file of the given header text and data, its length field saying the header's true length.</summary>
    public static void Write(string path, string header, byte[] data) => Write(path, Encoding.UTF8.GetBytes(header), data, null);

    /// <param name="claimedHeaderLength">What the length field says, when a test wants it to lie.</param>
    public static void Write(string path, byte[] header, byte[] data, ulong? claimedHeaderLength)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The JSON header for tensors stored back to back, in order, with a metadata entry as libraries write one.</summary>
    public static string Header(params SafetensorsTensor[] tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.Dtype);
                json.WriteStartArray("shape");
                foreach (var size in tensor.Shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
