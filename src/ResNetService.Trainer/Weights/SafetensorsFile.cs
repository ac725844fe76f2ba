using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace ResNetService.Trainer.Weights;

/// <summary>
/// Reads a .safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
/// and byte range, then the little-endian data those ranges point into.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>The safetensors library refuses larger headers; so does this reader.</summary>
    private const long LargestHeader = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Every tensor, in the header's order, widened to float32.</summary>
    /// <exception cref="InvalidDataException">The file is not well-formed safetensors; the message starts with its path.</exception>
    public static IReadOnlyDictionary<string, WeightTensor> Read(string path)
    {
        try
        {
            using var file = File.OpenHandle(path);
            return Read(file);
        }
        catch (WeightFileProblem problem)
        {
            throw problem.For(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {error.Message}", error);
        }
    }

    private static OrderedDictionary<string, WeightTensor> Read(SafeFileHandle file)
    {
        var fileLength = RandomAccess.GetLength(file);
        if (fileLength < 8)
        {
            throw new WeightFileProblem($"is too short for safetensors ({fileLength} bytes; the header length alone takes 8)");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(ReadExactly(file, 0, 8));
        if (headerLength > LargestHeader || (long)headerLength > fileLength - 8)
        {
            throw new WeightFileProblem($"has a safetensors header length of {headerLength} bytes, more than the {fileLength - 8} bytes after it");
        }

        var header = ReadExactly(file, 8, (long)headerLength);
        var dataStart = 8 + (long)headerLength;
        var tensors = new OrderedDictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var entry in Entries(header))
        {
            var (name, type, shape, begin, end) = entry;
            if (end > fileLength - dataStart)
            {
                throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(name)} whose data_offsets [{begin}, {end}] reach past the {fileLength - dataStart} bytes of data");
            }

            var count = TensorShapes.ElementCount(shape, name);
            if (end - begin != (long)count * type.Size())
            {
                throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(name)} whose data_offsets [{begin}, {end}] hold {end - begin} bytes, but {count} {type.Name()} elements take {(long)count * type.Size()}");
            }

            if (end - begin > Array.MaxLength)
            {
                throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(name)} of {end - begin} bytes, more than this reader holds at once");
            }

            var bytes = ReadExactly(file, dataStart + begin, end - begin);
            var values = new float[count];
            type.Widen(bytes, values);
            if (!tensors.TryAdd(name, new WeightTensor(name, shape, type.Name(), values)))
            {
                throw new WeightFileProblem($"names the tensor {WeightFileProblem.Quote(name)} twice in its header");
            }
        }

        return tensors;
    }

    private static byte[] ReadExactly(SafeFileHandle file, long offset, long count)
    {
        var bytes = new byte[count];
        var done = 0;
        while (done < bytes.Length)
        {
            var read = RandomAccess.Read(file, bytes.AsSpan(done), offset + done);
            if (read == 0)
            {
                throw new WeightFileProblem($"ends at byte {offset + done}, before the {count} bytes that start at byte {offset}");
            }

            done += read;
        }

        return bytes;
    }

    private static List<(string Name, StoredType Type, long[] Shape, long Begin, long End)> Entries(byte[] header)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException error)
        {
            throw new WeightFileProblem($"has a safetensors header that is not valid JSON: {error.Message}");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new WeightFileProblem($"has a safetensors header that is a JSON {json.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object");
            }

            return [.. json.RootElement.EnumerateObject().Where(property => property.Name != MetadataKey).Select(Entry)];
        }
    }

    private static (string Name, StoredType Type, long[] Shape, long Begin, long End) Entry(JsonProperty property)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array)
        {
            throw new WeightFileProblem($"describes the tensor {WeightFileProblem.Quote(name)} without a dtype string, a shape array and a data_offsets array");
        }

        var sizes = Integers(shape, name, "shape");
        var range = Integers(offsets, name, "data_offsets");
        if (range.Length != 2 || range[0] < 0 || range[1] < range[0])
        {
            throw new WeightFileProblem($"gives the tensor {WeightFileProblem.Quote(name)} data_offsets [{string.Join(", ", range)}], not a [begin, end] pair with 0 <= begin <= end");
        }

        return (name, Type(dtype.GetString()!, name), sizes, range[0], range[1]);
    }

    private static long[] Integers(JsonElement array, string name, string field)
    {
        if (array.GetArrayLength() > TensorShapes.MostDimensions)
        {
            throw new WeightFileProblem($"gives the tensor {WeightFileProblem.Quote(name)} a {field} of {array.GetArrayLength()} numbers, more than {TensorShapes.MostDimensions}");
        }

        return [.. array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var number)
            ? number
            : throw new WeightFileProblem($"gives the tensor {WeightFileProblem.Quote(name)} a {field} holding {WeightFileProblem.Quote(item.GetRawText())}, not an integer"))];
    }

    private static StoredType Type(string dtype, string name) => dtype switch
    {
        "F32" => StoredType.Float32,
        "F16" => StoredType.Float16,
        "BF16" => StoredType.BFloat16,
        "F64" => StoredType.Float64,
        "I64" => StoredType.Int64,
        "I32" => StoredType.Int32,
        "I16" => StoredType.Int16,
        "I8" => StoredType.Int8,
        "U8" => StoredType.UInt8,
        "BOOL" => StoredType.Bool,
        _ => throw new WeightFileProblem($"stores the tensor {WeightFileProblem.Quote(name)} as {WeightFileProblem.Quote(dtype)}, a dtype this reader does not widen to float32"),
    };
}
