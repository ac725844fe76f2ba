using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ResNetService.Trainer.Features;

/// <summary>
/// Writes a NumPy <c>.npy</c> file of float32 values, format version 1.0: the magic bytes <c>\x93NUMPY</c>, the
/// version (1, 0), the header's length as a little-endian uint16, the header (a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>, padded with spaces and ended by a newline so
/// that the data starts at a multiple of 64 bytes), then the values in C order, little-endian.
/// Values are appended in order (batch after batch); the file appears at its path only when every value the shape
/// promises has been written and <see cref="Complete"/> is called.
/// </summary>
public sealed class NpyWriter : IDisposable
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Magic (6), version (2) and header length (2): the bytes before the header text.</summary>
    private const int PreambleLength = 10;
    private const int Alignment = 64;

    private readonly string _path;
    private readonly string _temporary;
    private readonly FileStream _stream;
    private readonly long _count;
    private long _written;
    private bool _completed;

    public NpyWriter(string path, IReadOnlyList<long> shape)
    {
        Shape = [.. shape];
        _count = Shape.Aggregate(1L, (count, size) => count * size);
        var header = Header(Shape);
        _path = Path.GetFullPath(path);
        _temporary = _path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = new FileStream(_temporary, FileMode.Create, FileAccess.Write);
        _stream.Write(header);
    }

    public IReadOnlyList<long> Shape { get; }

    /// <summary>Writes <paramref name="values"/> into a new file in one go.</summary>
    public static void Write(string path, IReadOnlyList<long> shape, ReadOnlySpan<float> values)
    {
        using var writer = new NpyWriter(path, shape);
        writer.Append(values);
        writer.Complete();
    }

    /// <summary>The next values in C order.</summary>
    public void Append(ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_written + values.Length > _count)
        {
            throw new InvalidOperationException($"{_path} holds {_count} values of shape {ShapeText(Shape)}; {_written + values.Length} were written.");
        }

        if (BitConverter.IsLittleEndian)
        {
            _stream.Write(MemoryMarshal.AsBytes(values));
        }
        else
        {
            Span<byte> bytes = stackalloc byte[sizeof(float)];
            foreach (var value in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
                _stream.Write(bytes);
            }
        }

        _written += values.Length;
    }

    /// <summary>Closes the file and moves it to its path; throws if fewer values were written than the shape holds.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_written != _count)
        {
            throw new InvalidOperationException($"{_path} needs {_count} values of shape {ShapeText(Shape)}; only {_written} were written.");
        }

        _stream.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _completed = true;
    }

    /// <summary>Without <see cref="Complete"/>, leaves no file behind.</summary>
    public void Dispose()
    {
        if (_completed)
        {
            return;
        }

        _stream.Dispose();
        File.Delete(_temporary);
        _completed = true;
    }

    /// <summary>Everything before the data: magic, version 1.0, header length and the padded header.</summary>
    public static byte[] Header(IReadOnlyList<long> shape)
    {
        if (shape.Any(size => size < 0))
        {
            throw new ArgumentException($"A shape has no negative sizes: {ShapeText(shape)}.", nameof(shape));
        }

        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {ShapeText(shape)}, }}";
        var unpadded = PreambleLength + dict.Length + 1;
        var text = dict + new string(' ', (Alignment - unpadded % Alignment) % Alignment) + "\n";
        if (text.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A shape of {shape.Count} dimensions does not fit a version 1.0 header.", nameof(shape));
        }

        var bytes = new byte[PreambleLength + text.Length];
        Magic.CopyTo(bytes, 0);
        (bytes[6], bytes[7]) = (1, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(PreambleLength));
        return bytes;
    }

    /// <summary>The shape as a Python tuple: "()", "(5,)", "(2, 3)".</summary>
    private static string ShapeText(IReadOnlyList<long> shape) => shape.Count == 1
        ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)"
        : $"({string.Join(", ", shape.Select(size => size.ToString(CultureInfo.InvariantCulture)))})";
}
