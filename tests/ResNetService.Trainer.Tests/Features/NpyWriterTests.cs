using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using ResNetService.TestSupport;
using ResNetService.Trainer.Features;
using ResNetService.Trainer.Tests.Support;

namespace ResNetService.Trainer.Tests.Features;

/// <summary>The .npy files the features command writes: checked byte by byte, and read back by NumPy itself.</summary>
public sealed class NpyWriterTests
{
    [Theory]
    [InlineData(new long[] { 2, 3, 4 }, "(2, 3, 4)")]
    [InlineData(new long[] { 5 }, "(5,)")]
    [InlineData(new long[] { 1000, 2048 }, "(1000, 2048)")]
    public void Header_is_the_magic_version_1_0_its_length_and_a_dict_padded_to_64_bytes(long[] shape, string tuple)
    {
        var header = NpyWriter.Header(shape);

        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], header[..8]);
        Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
        Assert.Equal(0, header.Length % 64);
        var text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        Assert.EndsWith("\n", text);
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}";
        Assert.StartsWith(dict, text);
        Assert.Matches("^ *\n$", text[dict.Length..]);
    }

    [Fact]
    public void Data_follows_the_header_as_little_endian_float32_in_the_order_written()
    {
        using var folder = new TempFolder();
        var path = folder["a.npy"];
        float[] values = [1.5f, -2f, float.Epsilon, 3e38f, 0f, -0.125f];

        using (var writer = new NpyWriter(path, [2, 3]))
        {
            writer.Append(values.AsSpan(0, 4));
            writer.Append(values.AsSpan(4));
            writer.Complete();
        }

        var bytes = File.ReadAllBytes(path);
        var header = NpyWriter.Header([2, 3]);
        Assert.Equal(header, bytes[..header.Length]);
        Assert.Equal(header.Length + 4 * values.Length, bytes.Length);
        var data = bytes.AsSpan(header.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(values[i]), BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]));
        }
    }

    [Fact]
    public void Numpy_loads_the_file_with_its_shape_dtype_and_c_order()
    {
        var python = DebianPackages.RequirePythonModule("numpy", "python3-numpy");
        using var folder = new TempFolder();
        var values = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => i * 0.5f - 7).ToArray();
        NpyWriter.Write(folder["maps.npy"], [2, 3, 4, 5], values);
        NpyWriter.Write(folder["rows.npy"], [3], [0.25f, -1f, 8f]);

        const string script = """
            import sys, numpy
            a = numpy.load(sys.argv[1])
            b = numpy.load(sys.argv[2])
            print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], a[1, 2, 3, 4], a.ravel().tolist() == [i * 0.5 - 7 for i in range(a.size)])
            print(b.dtype.str, b.shape, b.tolist())
            """;
        var output = RunPython(python, script, folder["maps.npy"], folder["rows.npy"]);

        // a[1, 2, 3, 4] is value 1*60 + 2*20 + 3*5 + 4 = 119 in C order: 119 * 0.5 - 7.
        Assert.Equal(["<f4 (2, 3, 4, 5) True 52.5 True", "<f4 (3,) [0.25, -1.0, 8.0]"], output);
    }

    [Fact]
    public void An_unfinished_file_is_refused_and_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        var path = folder["short.npy"];

        using (var writer = new NpyWriter(path, [2, 3]))
        {
            writer.Append([1f, 2f, 3f, 4f]);
            Assert.Throws<InvalidOperationException>(writer.Complete);
            Assert.Throws<InvalidOperationException>(() => writer.Append([5f, 6f, 7f]));
        }

        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    private static string[] RunPython(string python, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
