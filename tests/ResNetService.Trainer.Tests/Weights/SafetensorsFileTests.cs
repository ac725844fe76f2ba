using System.Text;
using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Weights;

public sealed class SafetensorsFileTests
{
    [Fact]
    public void Every_dtype_widens_to_float32_in_the_headers_order()
    {
        using var folder = new TempFolder();
        var path = folder["all.safetensors"];
        var tenth = (float)(Half)0.1f; // float16's nearest to 0.1, which widens exactly
        SafetensorsWriter.Write(path,
            new("f32", "F32", [2, 2], LittleEndian.Float32(1.5f, -2f, 3.25f, 1e-7f)),
            new("f16", "F16", [3], LittleEndian.Float16(0.5f, -65504f, tenth)),
            new("bf16", "BF16", [2], LittleEndian.BFloat16(-3.140625f, 1e30f)),
            new("f64", "F64", [1], LittleEndian.Float64(0.1)),
            new("i64", "I64", [], LittleEndian.Int64(1234567)),
            new("i32", "I32", [2], LittleEndian.Int32(-7, 9)),
            new("i16", "I16", [1], LittleEndian.Int16(-300)),
            new("i8", "I8", [2], [0xff, 0x7f]),
            new("u8", "U8", [2], [0xff, 0x01]),
            new("bool", "BOOL", [3], [0, 1, 2]));

        var tensors = SafetensorsFile.Read(path);

        Assert.Equal(["f32", "f16", "bf16", "f64", "i64", "i32", "i16", "i8", "u8", "bool"], tensors.Keys);
        Assert.Equal([1.5f, -2f, 3.25f, 1e-7f], tensors["f32"].Values);
        Assert.Equal([2L, 2], tensors["f32"].Shape);
        Assert.Equal([0.5f, -65504f, tenth], tensors["f16"].Values);
        Assert.Equal("float16", tensors["f16"].StoredAs);
        Assert.Equal([-3.140625f, BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(1e30f) & 0xffff0000)], tensors["bf16"].Values);
        Assert.Equal("bfloat16", tensors["bf16"].StoredAs);
        Assert.Equal([0.1f], tensors["f64"].Values);
        Assert.Equal([1234567f], tensors["i64"].Values);
        Assert.Empty(tensors["i64"].Shape);
        Assert.Equal("int64", tensors["i64"].StoredAs);
        Assert.Equal([-7f, 9f], tensors["i32"].Values);
        Assert.Equal([-300f], tensors["i16"].Values);
        Assert.Equal([-1f, 127f], tensors["i8"].Values);
        Assert.Equal([255f, 1f], tensors["u8"].Values);
        Assert.Equal([0f, 1f, 1f], tensors["bool"].Values);
    }

    [Fact]
    public void An_empty_tensor_and_header_padding_are_fine()
    {
        using var folder = new TempFolder();
        var path = folder["empty.safetensors"];
        var header = SafetensorsWriter.Header(new SafetensorsTensor("none", "F32", [0, 3], []), new SafetensorsTensor("one", "F32", [1], LittleEndian.Float32(2f)));
        // The safetensors library pads its header with spaces to align the data.
        SafetensorsWriter.Write(path, header + "      ", LittleEndian.Float32(2f));

        var tensors = SafetensorsFile.Read(path);

        Assert.Empty(tensors["none"].Values);
        Assert.Equal([0L, 3], tensors["none"].Shape);
        Assert.Equal([2f], tensors["one"].Values);
    }

    [Theory]
    [InlineData("""[1, 2]""", "a JSON array, not an object")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2]""", "not valid JSON")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}}""", "reach past the 8 bytes of data")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", "hold 8 bytes, but 3 float32 elements take 12")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}""", "not a [begin, end] pair")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}""", "negative size")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}""", "too many elements")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 8]}}""", "not an integer")]
    [InlineData("""{"w": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}""", "'C64', a dtype this reader does not widen")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2]}}""", "without a dtype string, a shape array and a data_offsets array")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", "names the tensor 'w' twice")]
    [InlineData("""{"w": [[[[[[[[[[1]]]]]]]]]]}""", "not valid JSON")]
    public void A_bad_header_is_refused_with_the_reason(string header, string reason)
    {
        using var folder = new TempFolder();
        var path = folder["bad.safetensors"];
        SafetensorsWriter.Write(path, header, LittleEndian.Float32(1f, 2f));

        Assert.Contains(reason, WeightFileErrors.Message(path, () => SafetensorsFile.Read(path)));
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_refused_before_anything_is_allocated()
    {
        using var folder = new TempFolder();
        var path = folder["lying.safetensors"];
        SafetensorsWriter.Write(path, Encoding.UTF8.GetBytes("{}"), [], claimedHeaderLength: ulong.MaxValue);

        Assert.Contains("header length of 18446744073709551615 bytes", WeightFileErrors.Message(path, () => SafetensorsFile.Read(path)));
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["cut.safetensors"];
        SafetensorsWriter.Write(path, new SafetensorsTensor("w", "F32", [4], LittleEndian.Float32(1, 2, 3, 4)));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);

        Assert.Contains("reach past the 11 bytes of data", WeightFileErrors.Message(path, () => SafetensorsFile.Read(path)));
    }

    [Theory]
    [InlineData(new byte[0], "too short for safetensors (0 bytes")]
    [InlineData(new byte[] { 1, 2, 3 }, "too short for safetensors (3 bytes")]
    public void A_file_too_short_for_a_header_is_refused(byte[] bytes, string reason)
    {
        using var folder = new TempFolder();
        var path = folder["short.safetensors"];
        File.WriteAllBytes(path, bytes);

        Assert.Contains(reason, WeightFileErrors.Message(path, () => SafetensorsFile.Read(path)));
    }

    [Fact]
    public void A_missing_file_is_an_invalid_data_error_too()
    {
        using var folder = new TempFolder();
        var path = folder["absent.safetensors"];

        Assert.Contains("cannot be read", WeightFileErrors.Message(path, () => SafetensorsFile.Read(path)));
    }
}
