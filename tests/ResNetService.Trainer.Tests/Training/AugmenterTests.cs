using ResNetService.Trainer.Training;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Training;

public sealed class AugmenterTests
{
    private static readonly AugmentationOptions All = new(CropPadding: 4, HorizontalFlip: true, ErasingProbability: 0.5);

    [Fact]
    public void The_same_seed_draws_the_same_augmentations()
    {
        var first = new Augmenter(All, 32, new Random(3)).Draw(64);
        var second = new Augmenter(All, 32, new Random(3)).Draw(64);
        var other = new Augmenter(All, 32, new Random(4)).Draw(64);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.All(first, a => Assert.InRange(a.Top, 0, 8));
        Assert.Contains(first, a => a.Flip);
        Assert.Contains(first, a => !a.Flip);
        Assert.Contains(first, a => a.Erase is not null);
        Assert.All(first.Select(a => a.Erase).OfType<ErasedRectangle>(), r =>
        {
            Assert.InRange(r.Top + r.Height, 1, 32);
            Assert.InRange(r.Left + r.Width, 1, 32);
        });
    }

    [Fact]
    public void Crop_keeps_the_shape_and_moves_the_image_by_the_drawn_offset()
    {
        using var scope = NewDisposeScope();
        // One 1x3x8x8 image whose value is its column index, so shifts and mirrors are visible.
        var batch = arange(8, dtype: ScalarType.Float32).expand(1, 3, 8, 8).contiguous();
        var augmenter = new Augmenter(new AugmentationOptions(CropPadding: 2), 8, new Random(0));

        var shifted = augmenter.CropAndFlip(batch, [new ImageAugmentation(Top: 2, Left: 3, Flip: false, Erase: null)]);
        var mirrored = augmenter.CropAndFlip(batch, [new ImageAugmentation(Top: 2, Left: 2, Flip: true, Erase: null)]);

        Assert.Equal(new long[] { 1, 3, 8, 8 }, shifted.shape);
        // Left offset 3 with padding 2 starts one column in: columns 1..7, then one padded (black) column.
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 0], shifted[0, 0, 0].data<float>().ToArray());
        Assert.Equal([7f, 6, 5, 4, 3, 2, 1, 0], mirrored[0, 1, 5].data<float>().ToArray());
    }

    [Fact]
    public void Erasing_zeroes_exactly_the_rectangle()
    {
        using var scope = NewDisposeScope();
        var batch = ones(2, 3, 8, 8);

        Augmenter.Erase(batch, [new ImageAugmentation(0, 0, false, new ErasedRectangle(1, 2, 3, 4)), new ImageAugmentation(0, 0, false, null)]);

        Assert.Equal(2 * 3 * 64 - 3 * 12, batch.sum().item<float>());
        Assert.Equal(0f, batch[0, 2, 3, 5].item<float>());
        Assert.Equal(1f, batch[0, 2, 4, 5].item<float>());
    }
}
