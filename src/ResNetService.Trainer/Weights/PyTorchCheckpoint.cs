using System.IO.Compression;
using System.Text;

namespace ResNetService.Trainer.Weights;

/// <summary>
/// Reads a state_dict that <c>torch.save</c> wrote in its zip format (PyTorch 1.6 and later): <c>&lt;archive&gt;/data.pkl</c>
/// pickles the dict, whose tensors point into raw little-endian storages <c>&lt;archive&gt;/data/&lt;key&gt;</c>.
/// The pickle goes through a <see cref="RestrictedUnpickler"/> that builds only dicts and tensors: nothing in the file
/// is ever run.
/// </summary>
public static class PyTorchCheckpoint
{
    /// <summary>
    /// How many elements the tensors may hold in all, beyond those their storages hold: tied weights view one storage
    /// twice, but a hostile file must not make millions of large views of one storage and exhaust memory.
    /// </summary>
    private const int ViewsPerStorageElement = 4;

    private const long SpareElements = 1 << 20;

    /// <summary>Far above a real state_dict's pickle (ResNet-152's is about 100 KB); a bound for hostile files.</summary>
    private const long LargestPickle = 64L << 20;

    /// <summary>Keys under which training checkpoints commonly keep the model's state_dict, in the order tried.</summary>
    private static readonly string[] NestedStateDictKeys = ["state_dict", "model"];

    /// <summary>The state_dict's tensors, in the pickle's order, widened to float32.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable state_dict; the message starts with its path.</exception>
    public static IReadOnlyDictionary<string, WeightTensor> Read(string path)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {error.Message}", error);
        }

        using (file)
        {
            try
            {
                CheckSignature(file);
                using var zip = new ZipArchive(file, ZipArchiveMode.Read);
                return Read(zip);
            }
            catch (WeightFileProblem problem)
            {
                throw problem.For(path);
            }
            catch (Exception error) when (error is InvalidDataException or IOException)
            {
                // What System.IO.Compression says of a damaged archive (no central directory, a bad entry header).
                throw new InvalidDataException($"{path} is a damaged or truncated zip archive: {error.Message}", error);
            }
        }
    }

    private static void CheckSignature(FileStream file)
    {
        Span<byte> start = stackalloc byte[WeightFormats.LegacyTorchMagic.Length];
        start = start[..file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)];
        file.Position = 0;
        if (start.IsEmpty)
        {
            throw new WeightFileProblem("is empty");
        }

        if (start.StartsWith(WeightFormats.LegacyTorchMagic))
        {
            throw new WeightFileProblem("is in the legacy torch.save format of PyTorch before 1.6, which this reader does not read; re-save it with torch >= 1.6");
        }

        if (!start.StartsWith(WeightFormats.ZipMagic))
        {
            throw new WeightFileProblem("is not a PyTorch checkpoint: torch.save (PyTorch >= 1.6) writes a zip archive, and this file does not start like one");
        }
    }

    private static OrderedDictionary<string, WeightTensor> Read(ZipArchive zip)
    {
        // The archive folder is named after the file torch.save wrote (or "archive" in recent versions).
        var pickleEntry = zip.Entries.FirstOrDefault(entry => entry.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
            && entry.FullName.IndexOf('/') == entry.FullName.Length - "/data.pkl".Length)
            ?? throw new WeightFileProblem("is a zip archive without an <archive>/data.pkl entry, so not one torch.save wrote");
        var archive = pickleEntry.FullName[..^"/data.pkl".Length];
        CheckByteOrder(zip, archive);

        if (pickleEntry.Length > LargestPickle)
        {
            throw new WeightFileProblem($"has a {pickleEntry.Length}-byte data.pkl, far larger than a state_dict's pickle");
        }

        var pickle = ReadEntry(pickleEntry, pickleEntry.Length);
        var top = RestrictedUnpickler.Load(pickle, new TorchPickleRules(), pickleEntry.FullName);
        var stateDict = StateDict(top);
        var storages = ReadStorages(zip, archive, stateDict);

        var tensors = new OrderedDictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in stateDict)
        {
            var values = TensorGather.Gather(tensor, storages[tensor.Storage.Key], name);
            tensors.Add(name, new WeightTensor(name, tensor.Size, tensor.Storage.Type.Name(), values));
        }

        return tensors;
    }

    /// <summary>Storages are in the saving machine's byte order, which torch records when it writes the entry.</summary>
    private static void CheckByteOrder(ZipArchive zip, string archive)
    {
        if (zip.GetEntry($"{archive}/byteorder") is { } entry)
        {
            var order = Encoding.ASCII.GetString(ReadEntry(entry, Math.Min(entry.Length, 16))).Trim();
            if (order != "little")
            {
                throw new WeightFileProblem($"holds storages in {WeightFileProblem.Quote(order)} byte order; this reader reads little-endian ones only");
            }
        }
    }

    /// <summary>
    /// The dict of tensors: the top-level object itself, or, in a training checkpoint such as
    /// <c>{"epoch": 3, "state_dict": {...}}</c>, the dict under one of <see cref="NestedStateDictKeys"/>.
    /// </summary>
    private static List<(string Name, PickledTensor Tensor)> StateDict(object? top)
    {
        if (top is not PickleDict dict)
        {
            throw new WeightFileProblem($"is not a plain state_dict: it holds {TorchPickleRules.Describe(top)}, not a dict of tensors");
        }

        if (AsTensors(dict) is { } tensors)
        {
            return tensors;
        }

        foreach (var key in NestedStateDictKeys)
        {
            if (dict.TryGetValue(key, out var nested) && nested is PickleDict inner && AsTensors(inner) is { } nestedTensors)
            {
                return nestedTensors;
            }
        }

        var keys = dict.Entries.Take(8).Select(entry => entry.Key is string name ? WeightFileProblem.Quote(name) : TorchPickleRules.Describe(entry.Key));
        throw new WeightFileProblem(dict.Count == 0
            ? "is not a plain state_dict: it holds an empty dict"
            : $"is not a plain state_dict: it holds a dict (keys {string.Join(", ", keys)}{(dict.Count > 8 ? ", ..." : "")}) whose values are not all tensors, and no dict of tensors under 'state_dict' or 'model'");
    }

    private static List<(string Name, PickledTensor Tensor)>? AsTensors(PickleDict dict) =>
        dict.Count > 0 && dict.Entries.All(entry => entry is { Key: string, Value: PickledTensor })
            ? [.. dict.Entries.Select(entry => ((string)entry.Key!, (PickledTensor)entry.Value!))]
            : null;

    /// <summary>Each storage the tensors use, read as far as the furthest of them reaches, and only that far.</summary>
    private static Dictionary<string, byte[]> ReadStorages(ZipArchive zip, string archive, List<(string Name, PickledTensor Tensor)> tensors)
    {
        var reach = new Dictionary<string, (StoredType Type, long Elements, string Tensor)>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            var storage = tensor.Storage;
            var elements = TensorGather.ElementsReached(tensor, name);
            if (elements > storage.ElementCount)
            {
                throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(name)} that reaches element {elements - 1} of storage {WeightFileProblem.Quote(storage.Key)}, which holds {storage.ElementCount}");
            }

            if (reach.TryGetValue(storage.Key, out var known) && known.Type != storage.Type)
            {
                throw new WeightFileProblem($"reads storage {WeightFileProblem.Quote(storage.Key)} as {known.Type.Name()} for {WeightFileProblem.Quote(known.Tensor)} and as {storage.Type.Name()} for {WeightFileProblem.Quote(name)}");
            }

            if (!reach.TryGetValue(storage.Key, out known) || elements > known.Elements)
            {
                reach[storage.Key] = (storage.Type, elements, name);
            }
        }

        var viewed = tensors.Sum(tensor => (long)TensorShapes.ElementCount(tensor.Tensor.Size, tensor.Name));
        var stored = reach.Values.Sum(storage => storage.Elements);
        if (viewed > ViewsPerStorageElement * stored + SpareElements)
        {
            throw new WeightFileProblem($"has tensors of {viewed} elements in all that view storages of only {stored}, far more than a state_dict shares");
        }

        var storages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, (type, elements, tensor)) in reach)
        {
            var entry = zip.GetEntry($"{archive}/data/{key}")
                ?? throw new WeightFileProblem($"lacks the entry {WeightFileProblem.Quote($"{archive}/data/{key}")} that tensor {WeightFileProblem.Quote(tensor)} is stored in");
            var bytes = elements * type.Size();
            if (bytes > Array.MaxLength)
            {
                throw new WeightFileProblem($"has a storage {WeightFileProblem.Quote(key)} of {bytes} bytes, more than this reader holds at once");
            }

            if (entry.Length < bytes)
            {
                throw new WeightFileProblem($"has a storage {WeightFileProblem.Quote(entry.FullName)} of {entry.Length} bytes, shorter than the {bytes} that tensor {WeightFileProblem.Quote(tensor)} needs");
            }

            storages[key] = ReadEntry(entry, bytes);
        }

        return storages;
    }

    /// <summary>
    /// The first <paramref name="count"/> bytes of an entry, failing if it holds fewer. The buffer grows with the bytes
    /// that actually arrive, so a size the zip directory merely claims never allocates memory by itself.
    /// </summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long count)
    {
        const int firstBuffer = 1 << 20;
        var bytes = new byte[Math.Min(count, firstBuffer)];
        var done = 0;
        using var stream = entry.Open();
        while (true)
        {
            var read = stream.ReadAtLeast(bytes.AsSpan(done), bytes.Length - done, throwOnEndOfStream: false);
            done += read;
            if (done < bytes.Length)
            {
                throw new WeightFileProblem($"has an entry {WeightFileProblem.Quote(entry.FullName)} that ends after {done} of its {count} bytes (truncated)");
            }

            if (done == count)
            {
                return bytes;
            }

            Array.Resize(ref bytes, (int)Math.Min(count, 2L * bytes.Length));
        }
    }
}
