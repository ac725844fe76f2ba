using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using ResNetService.Inference.Images;
using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;
using ResNetService.Topology;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Cli;

/// <summary><c>features</c> through the real command tree: the files it writes, what it prints, how it refuses.</summary>
public sealed class FeaturesCommandTests(ITestOutputHelper log) : IDisposable
{
    private const int Size = 64;
    private static readonly float[] Mean = [0.3f, 0.4f, 0.5f];
    private static readonly float[] Std = [0.2f, 0.25f, 0.3f];
    private static readonly string[] Names = ["c1", "c2", "c3", "c4", "c5", "embedding"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Writes_c1_to_c5_and_the_embedding_as_npy_files_and_prints_their_shapes()
    {
        var checkpoint = WriteCheckpoint();
        string[] images = [WriteImage("red.png", SKColors.Red), WriteImage("blue.png", SKColors.Blue), WriteImage("gray.png", SKColors.Gray)];

        var (exitCode, output, errors) = await CliRunner.RunAsync(["features", "--checkpoint", checkpoint, "--out", _folder["out"], "--batch-size", "2", .. images]);

        log.WriteLine(output);
        Assert.True(exitCode == 0, string.Join("\n", errors));
        long[][] shapes = [[3, 64, 32, 32], [3, 64, 16, 16], [3, 128, 8, 8], [3, 256, 4, 4], [3, 512, 2, 2], [3, 512]];
        foreach (var (name, shape) in Names.Zip(shapes))
        {
            Assert.Equal(shape, Npy.Read(_folder[$"out/{name}.npy"]).Shape);
            Assert.Matches($@"(?m)^  {name}\.npy +\[{string.Join(", ", shape)}\]$", output);
        }

        Assert.Equal(Names.Select(name => name + ".npy").Order(), Directory.GetFiles(_folder["out"]).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Rows_are_the_images_in_order_preprocessed_as_the_service_does()
    {
        var checkpoint = WriteCheckpoint();
        string[] images = [WriteImage("red.png", SKColors.Red), WriteImage("green.png", SKColors.Green)];

        var (exitCode, _, errors) = await CliRunner.RunAsync(["features", "--checkpoint", checkpoint, "--out", _folder["out"], .. images]);

        Assert.True(exitCode == 0, string.Join("\n", errors));
        var (_, embedding) = Npy.Read(_folder["out/embedding.npy"]);
        var (c5Shape, c5) = Npy.Read(_folder["out/c5.npy"]);
        var (channels, plane) = ((int)c5Shape[1], (int)(c5Shape[2] * c5Shape[3]));
        for (var row = 0; row < embedding.Length; row++)
        {
            Assert.Equal(c5.AsSpan(row * plane, plane).ToArray().Average(), embedding[row], 1e-5);
        }

        // The service's decoder and preprocessor, with the checkpoint's settings written out by hand.
        var settings = new PreprocessingSettings(Size, ResizeModes.Direct, 73, Mean, Std, ColorModes.Rgb);
        var input = new float[2 * settings.TensorLength];
        for (var i = 0; i < 2; i++)
        {
            using var bitmap = ImageDecoder.Decode(File.ReadAllBytes(images[i]), new ImageLimits(), settings);
            ImagePreprocessor.WriteTensor(bitmap, settings, input.AsSpan(i * settings.TensorLength));
        }

        using var scope = NewDisposeScope();
        using var model = Checkpoint.LoadModel(checkpoint, Checkpoint.ReadInfo(checkpoint));
        using var noGrad = no_grad();
        var expected = model.Features(tensor(input, [2, 3, Size, Size])).Embedding.data<float>().ToArray();
        Assert.Equal(2 * channels, expected.Length);
        Assert.All(expected.Zip(embedding), pair => Assert.Equal(pair.First, pair.Second, 1e-5));
        Assert.NotEqual(embedding[..channels], embedding[channels..]);
    }

    [Theory]
    [InlineData("broken.png", "truncated or damaged")]
    [InlineData("notes.png", "not an image")]
    public async Task A_bad_image_is_one_error_line_naming_it_and_no_file_is_written(string name, string expected)
    {
        var checkpoint = WriteCheckpoint();
        var good = WriteImage("good.png", SKColors.Red);
        var bad = _folder[name];
        var png = File.ReadAllBytes(good);
        File.WriteAllBytes(bad, name == "broken.png" ? png[..(png.Length / 2)] : Encoding.ASCII.GetBytes("not a picture at all"));

        var (exitCode, _, errors) = await CliRunner.RunAsync("features", "--checkpoint", checkpoint, "--out", _folder["out"], good, bad);

        log.WriteLine(string.Join("\n", errors));
        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith($"error: {name}: ", line);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(_folder["out"]) && Directory.EnumerateFileSystemEntries(_folder["out"]).Any());
    }

    [Fact]
    public async Task A_missing_image_is_one_error_line_naming_it()
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync("features", "--checkpoint", _folder["run"], "--out", _folder["out"], _folder["nowhere.jpg"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("nowhere.jpg", Assert.Single(errors));
    }

    [Fact]
    public async Task A_missing_checkpoint_is_one_error_line()
    {
        var (exitCode, _, errors) = await CliRunner.RunAsync("features", "--checkpoint", _folder["run"], "--out", _folder["out"], WriteImage("a.png", SKColors.Red));

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: No checkpoint", Assert.Single(errors));
    }

    [Fact]
    public async Task Help_names_the_options()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("features", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--checkpoint", output);
        Assert.Contains("embedding.npy", output);
    }

    private string WriteCheckpoint() =>
        SavedCheckpoints.Write(_folder["run"], new ResNetConfig(ResNetArchitecture.ResNet18, 4), Size, Mean, Std);

    private string WriteImage(string name, SKColor color)
    {
        using var bitmap = new SKBitmap(80, 70);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawCircle(30, 25, 12, paint);
        }

        var path = _folder[name];
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>Just enough of a .npy reader for these files: version 1.0, '&lt;f4', C order.</summary>
    private static class Npy
    {
        public static (long[] Shape, float[] Values) Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
            Assert.Contains("'descr': '<f4', 'fortran_order': False", header);
            var shape = Regex.Match(header, @"'shape': \(([^)]*)\)").Groups[1].Value
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
            var data = bytes.AsSpan(10 + headerLength);
            var values = new float[data.Length / 4];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
            }

            Assert.Equal(shape.Aggregate(1L, (count, size) => count * size), values.LongLength);
            return (shape, values);
        }
    }
}
