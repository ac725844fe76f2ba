using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;

namespace ResNetService.Inference.Tests.Memory;

public sealed class DecodeMemoryTests
{
    [Fact]
    public void A_decode_weighs_the_file_copy_the_bitmap_and_its_mipmaps()
    {
        var plan = new DecodePlan(8000, 5000, 8000, 5000, Turns: false, EncodedBytes: 13_000_000);

        // 13 MB copied for Skia + 160 MB of RGBA + a third of that in mipmaps.
        Assert.Equal(13_000_000 + 160_000_000 + 53_333_333, DecodeMemory.Bytes(plan));
    }

    [Fact]
    public void A_turned_image_adds_its_upright_copy_and_a_reduced_decode_weighs_its_reduced_size()
    {
        var turned = new DecodePlan(100, 100, 100, 100, Turns: true, EncodedBytes: 0);
        var reduced = new DecodePlan(4000, 3000, 500, 375, Turns: false, EncodedBytes: 0);

        Assert.Equal(40_000 + 40_000 + 13_333, DecodeMemory.Bytes(turned));
        Assert.Equal(750_000 + 250_000, DecodeMemory.Bytes(reduced));
    }

    [Fact]
    public void The_largest_decode_follows_the_limits_and_does_not_overflow()
    {
        var defaults = new ImageLimits();

        Assert.Equal(defaults.MaxBytes + 2 * 160_000_000 + 53_333_333, DecodeMemory.Largest(defaults));
        Assert.True(DecodeMemory.Largest(new ImageLimits { MaxPixels = long.MaxValue, MaxBytes = long.MaxValue }) > 0);
    }
}
