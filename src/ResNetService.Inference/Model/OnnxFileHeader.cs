namespace ResNetService.Inference.Model;

/// <summary>
/// The IR version and default-domain opset of an ONNX file, which ONNX Runtime's managed API does not expose.
/// Reads only the top-level protobuf fields of ModelProto and skips the graph, so it costs no memory.
/// </summary>
public sealed record OnnxFileHeader(long? IrVersion, long? OpsetVersion)
{
    private const int IrVersionField = 1, OpsetImportField = 8, DomainField = 1, VersionField = 2;
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    /// <summary>Both values null when the file is not readable as protobuf.</summary>
    public static OnnxFileHeader Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ReadModel(stream);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new(null, null);
        }
    }

    private static OnnxFileHeader ReadModel(Stream stream)
    {
        long? irVersion = null, opset = null;
        while (stream.Position < stream.Length)
        {
            var (field, wireType) = ReadTag(stream);
            if (field == IrVersionField && wireType == Varint)
                irVersion = (long)ReadVarint(stream);
            else if (field == OpsetImportField && wireType == LengthDelimited)
            {
                var length = (long)ReadVarint(stream);
                var end = stream.Position + length;
                var (domain, version) = ReadOperatorSet(stream, end);
                if (domain is "" or "ai.onnx")
                    opset = version;
                stream.Position = end;
            }
            else
                Skip(stream, wireType);
        }
        return new(irVersion, opset);
    }

    private static (string Domain, long? Version) ReadOperatorSet(Stream stream, long end)
    {
        var domain = "";
        long? version = null;
        while (stream.Position < end)
        {
            var (field, wireType) = ReadTag(stream);
            if (field == DomainField && wireType == LengthDelimited)
            {
                var bytes = new byte[(int)ReadVarint(stream)];
                stream.ReadExactly(bytes);
                domain = System.Text.Encoding.UTF8.GetString(bytes);
            }
            else if (field == VersionField && wireType == Varint)
                version = (long)ReadVarint(stream);
            else
                Skip(stream, wireType);
        }
        return (domain, version);
    }

    private static (int Field, int WireType) ReadTag(Stream stream)
    {
        var tag = ReadVarint(stream);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static void Skip(Stream stream, int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(stream); break;
            case Fixed64: stream.Position += 8; break;
            case Fixed32: stream.Position += 4; break;
            case LengthDelimited: stream.Position += (long)ReadVarint(stream); break;
            default: throw new InvalidDataException($"Unknown protobuf wire type {wireType}.");
        }
        if (stream.Position > stream.Length)
            throw new InvalidDataException("Truncated protobuf field.");
    }

    private static ulong ReadVarint(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
                throw new InvalidDataException("Truncated varint.");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new InvalidDataException("Varint longer than 64 bits.");
    }
}
