using Google.Protobuf;
using ResNetService.Onnx.Protos;

namespace ResNetService.Onnx.Graph;

/// <summary>Reads and writes <c>.onnx</c> files (a serialized <see cref="ModelProto"/>).</summary>
public static class OnnxModelFile
{
    /// <summary>Writes the model to <paramref name="path"/>, creating its folder; a reader never sees a half-written file.</summary>
    public static void Write(ModelProto model, string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var temporary = fullPath + ".tmp";
        using (var stream = File.Create(temporary))
        {
            model.WriteTo(stream);
        }

        File.Move(temporary, fullPath, overwrite: true);
    }

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    public static ModelProto Read(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream);
    }

    public static ModelProto Read(ReadOnlySpan<byte> bytes) => ModelProto.Parser.ParseFrom(bytes);
}
