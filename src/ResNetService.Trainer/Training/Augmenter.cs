using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>What augmentation does to one image: where its crop window starts, whether it is mirrored, what is erased.</summary>
public readonly record struct ImageAugmentation(int Top, int Left, bool Flip, ErasedRectangle? Erase);

/// <summary>A rectangle (in pixels of the final image) that random erasing blanks out.</summary>
public readonly record struct ErasedRectangle(int Top, int Left, int Height, int Width);

/// <summary>
/// Random crop with padding, horizontal flip and random erasing on a whole batch tensor. The random choices are
/// drawn first, from a seeded <see cref="Random"/>, so a run is reproducible; tensors only do the copying.
/// </summary>
public sealed class Augmenter(AugmentationOptions options, int imageSize, Random random)
{
    // Random erasing draws the rectangle's share of the image and its aspect ratio from these ranges (Zhong et al.).
    private const double MinErasedArea = 0.02;
    private const double MaxErasedArea = 0.33;
    private const double MinAspect = 0.3;
    private const double MaxAspect = 1 / 0.3;

    public ImageAugmentation[] Draw(int count)
    {
        var plan = new ImageAugmentation[count];
        for (var i = 0; i < count; i++)
        {
            var top = options.CropPadding > 0 ? random.Next(2 * options.CropPadding + 1) : options.CropPadding;
            var left = options.CropPadding > 0 ? random.Next(2 * options.CropPadding + 1) : options.CropPadding;
            var flip = options.HorizontalFlip && random.Next(2) == 1;
            var erase = options.ErasingProbability > 0 && random.NextDouble() < options.ErasingProbability ? DrawErasure() : null;
            plan[i] = new ImageAugmentation(top, left, flip, erase);
        }

        return plan;
    }

    /// <summary>Crops and mirrors a batch of 0..1 images [B, 3, S, S] (before normalising, so padding is black).</summary>
    public Tensor CropAndFlip(Tensor batch, IReadOnlyList<ImageAugmentation> plan)
    {
        var pad = options.CropPadding;
        if (pad == 0 && !options.HorizontalFlip)
        {
            return batch.alias();
        }

        using var padded = pad > 0 ? nn.functional.pad(batch, [pad, pad, pad, pad]) : batch.alias();
        var images = new Tensor[plan.Count];
        try
        {
            for (var i = 0; i < plan.Count; i++)
            {
                using var window = padded[i].narrow(1, plan[i].Top, imageSize).narrow(2, plan[i].Left, imageSize);
                images[i] = plan[i].Flip ? window.flip(2) : window.alias();
            }

            return stack(images);
        }
        finally
        {
            foreach (var image in images)
            {
                image?.Dispose();
            }
        }
    }

    /// <summary>Sets the erased rectangles to 0 in a normalised batch, which is the data set's mean colour.</summary>
    public static void Erase(Tensor normalized, IReadOnlyList<ImageAugmentation> plan)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            if (plan[i].Erase is { } r)
            {
                using var image = normalized[i];
                using var region = image.narrow(1, r.Top, r.Height).narrow(2, r.Left, r.Width);
                region.zero_();
            }
        }
    }

    private ErasedRectangle? DrawErasure()
    {
        var area = imageSize * imageSize;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * (MinErasedArea + random.NextDouble() * (MaxErasedArea - MinErasedArea));
            var aspect = Math.Exp(Math.Log(MinAspect) + random.NextDouble() * (Math.Log(MaxAspect) - Math.Log(MinAspect)));
            var height = (int)Math.Round(Math.Sqrt(target * aspect));
            var width = (int)Math.Round(Math.Sqrt(target / aspect));
            if (height is > 0 && width > 0 && height < imageSize && width < imageSize)
            {
                return new ErasedRectangle(random.Next(imageSize - height + 1), random.Next(imageSize - width + 1), height, width);
            }
        }

        return null;
    }
}
