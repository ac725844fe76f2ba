using ResNetService.Inference;
using ResNetService.Inference.Images;
using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;
using ResNetService.Topology;
using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Features;

/// <summary>One file <see cref="FeatureExtractor.Extract"/> wrote: "c1".."c5" or "embedding", its shape and path.</summary>
public sealed record FeatureFile(string Name, IReadOnlyList<long> Shape, string Path);

/// <summary>
/// Runs image files through a network and writes its feature maps C1..C5 and the embedding, one <c>.npy</c> file each
/// (<c>c1.npy</c> .. <c>c5.npy</c> [N, C, H, W], <c>embedding.npy</c> [N, C]; row i is the i-th image). Images are
/// decoded and preprocessed by the service's own code, so the network sees the floats the service would feed it.
/// </summary>
public static class FeatureExtractor
{
    public const string Extension = ".npy";

    /// <summary>
    /// Every image is decoded before anything is written: a missing or broken one throws (an
    /// <see cref="InvalidDataException"/> naming it) and leaves no file behind.
    /// </summary>
    public static IReadOnlyList<FeatureFile> Extract(
        ResNet model, PreprocessingSettings settings, IReadOnlyList<string> imagePaths, string outFolder, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfZero(imagePaths.Count);
        var input = Preprocess(settings, imagePaths);
        var count = imagePaths.Count;
        var files = Shapes(model.Network, settings.ImageSize)
            .Select(named => new FeatureFile(named.Name, [count, .. named.Shape], Path.Combine(outFolder, named.Name + Extension)))
            .ToList();
        var writers = new List<NpyWriter>();
        try
        {
            writers.AddRange(files.Select(file => new NpyWriter(file.Path, file.Shape)));
            model.eval();
            using var noGrad = no_grad();
            for (var start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var rows = Math.Min(batchSize, count - start);
                var batch = tensor(input.AsSpan(start * settings.TensorLength, rows * settings.TensorLength).ToArray(),
                    [rows, PreprocessingSettings.Channels, settings.ImageSize, settings.ImageSize]);
                foreach (var ((name, value), writer) in model.Features(batch).Named().Zip(writers))
                {
                    if (!value.shape.Skip(1).SequenceEqual(writer.Shape.Skip(1)))
                    {
                        throw new InvalidOperationException($"{name} came out as [{string.Join(", ", value.shape)}]; expected [{string.Join(", ", writer.Shape)}].");
                    }

                    writer.Append(value.contiguous().data<float>().ToArray());
                }
            }

            writers.ForEach(writer => writer.Complete());
            return files;
        }
        finally
        {
            writers.ForEach(writer => writer.Dispose());
        }
    }

    /// <summary>Each tensor's name and shape per image, from the description: C1..C5 [C, H, W], then the embedding [C].</summary>
    private static IEnumerable<(string Name, long[] Shape)> Shapes(Network network, int imageSize)
    {
        var maps = FeatureTaps.Shapes(network, imageSize);
        return maps.Select(map => (map.Name, new long[] { map.Channels, map.Side, map.Side }))
            .Append((ResNetFeatures.EmbeddingName, [maps[^1].Channels]));
    }

    /// <summary>All images as one NCHW batch, through the service's decoder and preprocessor.</summary>
    private static float[] Preprocess(PreprocessingSettings settings, IReadOnlyList<string> imagePaths)
    {
        var input = new float[imagePaths.Count * settings.TensorLength];
        var limits = new ImageLimits();
        for (var i = 0; i < imagePaths.Count; i++)
        {
            try
            {
                using var bitmap = ImageDecoder.Decode(File.ReadAllBytes(imagePaths[i]), limits, settings);
                ImagePreprocessor.WriteTensor(bitmap, settings, input.AsSpan(i * settings.TensorLength, settings.TensorLength));
            }
            catch (ImageRejectedException e)
            {
                throw new InvalidDataException($"{Path.GetFileName(imagePaths[i])}: {e.Message}", e);
            }
        }

        return input;
    }
}
