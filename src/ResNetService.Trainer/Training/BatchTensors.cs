using ResNetService.Trainer.Data;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>
/// An image set as two tensors (uint8 images [N, 3, S, S] and int64 labels), so a batch is one index_select
/// and one conversion, with no per-pixel work in managed code.
/// </summary>
public sealed class BatchTensors : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;

    public BatchTensors(ImageSet set)
    {
        Count = set.Count;
        Labels = set.Labels;
        ImageSize = set.ImageSize;
        _images = tensor(set.Pixels, [set.Count, 3, set.ImageSize, set.ImageSize]);
        _labels = tensor(set.Labels.Select(l => (long)l).ToArray(), [set.Count]);
    }

    public int Count { get; }

    public int ImageSize { get; }

    /// <summary>The class of every image, in order (to score predictions).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The images at <paramref name="indices"/> as float 0..1 [B, 3, S, S], and their labels.</summary>
    public (Tensor Images, Tensor Labels) Batch(ReadOnlySpan<long> indices)
    {
        using var index = tensor(indices.ToArray(), [indices.Length]);
        using var bytes = _images.index_select(0, index);
        return (bytes.to_type(ScalarType.Float32).div_(255f), _labels.index_select(0, index));
    }

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }
}
