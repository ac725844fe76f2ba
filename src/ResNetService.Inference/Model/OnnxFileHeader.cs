using Google.Protobuf;
using ResNetService.Onnx.Protos;

namespace ResNetService.Inference.Model;

/// <summary>
/// The IR version and default-domain opset of an ONNX file, which ONNX Runtime's managed API does not expose.
/// Reads only the top-level fields of <see cref="ModelProto"/> with protobuf's own reader and seeks over the graph,
/// so the weights are neither kept in memory nor read from disk.
/// </summary>
public sealed record OnnxFileHeader(long? IrVersion, long? OpsetVersion)
{
    /// <summary>Both values null when the file is not readable as protobuf.</summary>
    public static OnnxFileHeader Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ReadModel(stream);
        }
        // InvalidProtocolBufferException, for bytes that are not protobuf, is an IOException.
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new(null, null);
        }
    }

    private static OnnxFileHeader ReadModel(Stream stream)
    {
        var header = new OnnxFileHeader(null, null);
        long? next = 0;
        while (next is { } start)
        {
            // A reader buffers ahead, so after a seek over the graph a new reader starts at the new position.
            stream.Position = start;
            using var input = new CodedInputStream(stream, leaveOpen: true);
            (header, next) = ReadUntilGraph(input, start, stream.Length, header);
        }

        return header;
    }

    /// <summary>Reads fields until the end of the file, or until a graph, whose end it returns as where to go on.</summary>
    private static (OnnxFileHeader Header, long? Next) ReadUntilGraph(CodedInputStream input, long start, long fileLength, OnnxFileHeader header)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (ModelProto.IrVersionFieldNumber, WireFormat.WireType.Varint):
                    header = header with { IrVersion = input.ReadInt64() };
                    break;
                case (ModelProto.OpsetImportFieldNumber, WireFormat.WireType.LengthDelimited):
                    var operatorSet = new OperatorSetIdProto();
                    input.ReadMessage(operatorSet);
                    if (operatorSet.Domain is "" or "ai.onnx")
                    {
                        header = header with { OpsetVersion = operatorSet.HasVersion ? operatorSet.Version : null };
                    }

                    break;
                case (ModelProto.GraphFieldNumber, WireFormat.WireType.LengthDelimited):
                    var graphLength = input.ReadLength();
                    var end = start + input.Position + graphLength;
                    return graphLength >= 0 && end <= fileLength
                        ? (header, end)
                        : throw new InvalidDataException("The graph runs past the end of the file.");
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (header, null);
    }
}
