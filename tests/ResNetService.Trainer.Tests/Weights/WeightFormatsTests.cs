using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Weights;

public sealed class WeightFormatsTests
{
    [Fact]
    public void Formats_are_told_apart_by_content_whatever_the_extension()
    {
        using var folder = new TempFolder();
        TorchZipWriter.WriteStateDict(folder["a.onnx"], ("w", [1], [1f]));
        SafetensorsWriter.Write(folder["b.pth"], new SafetensorsTensor("w", "F32", [1], LittleEndian.Float32(1)));
        File.WriteAllBytes(folder["c.bin"], [0x08, 0x08, 0x12, 0x07, 0x70, 0x79, 0x74, 0x6f, 0x72, 0x63, 0x68]); // an ONNX model's first bytes
        File.WriteAllBytes(folder["d.pt"], [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        File.WriteAllBytes(folder["e"], []);

        Assert.Equal(WeightFormat.PyTorch, WeightFormats.Detect(folder["a.onnx"]));
        Assert.Equal(WeightFormat.Safetensors, WeightFormats.Detect(folder["b.pth"]));
        Assert.Equal(WeightFormat.Onnx, WeightFormats.Detect(folder["c.bin"]));
        Assert.Equal(WeightFormat.PyTorch, WeightFormats.Detect(folder["d.pt"]));
        Assert.Equal(WeightFormat.Onnx, WeightFormats.Detect(folder["e"]));
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_not_safetensors()
    {
        using var folder = new TempFolder();
        SafetensorsWriter.Write(folder["x"], "{}"u8.ToArray(), [], claimedHeaderLength: 1000);

        Assert.Equal(WeightFormat.Onnx, WeightFormats.Detect(folder["x"]));
    }

    [Fact]
    public void A_missing_file_is_an_invalid_data_error()
    {
        using var folder = new TempFolder();
        var path = folder["absent.pth"];

        Assert.Contains("cannot be read", WeightFileErrors.Message(path, () => WeightFormats.Detect(path)));
    }
}
