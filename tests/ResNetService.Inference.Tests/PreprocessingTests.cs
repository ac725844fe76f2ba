using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;
using SkiaSharp;

namespace ResNetService.Inference.Tests;

public class PreprocessingTests
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private static PreprocessingSettings Settings(int size, string mode, int resize, string colour = ColorModes.Rgb) =>
        new(size, mode, resize, ImageNetMean, ImageNetStd, colour);

    private static float Normalised(byte value, int channel) => (value / 255f - ImageNetMean[channel]) / ImageNetStd[channel];

    private static void AssertPixel(float[] tensor, int size, int x, int y, SKColor expected, float tolerance = 1e-4f)
    {
        var plane = size * size;
        Assert.Equal(Normalised(expected.Red, 0), tensor[y * size + x], tolerance);
        Assert.Equal(Normalised(expected.Green, 1), tensor[plane + y * size + x], tolerance);
        Assert.Equal(Normalised(expected.Blue, 2), tensor[2 * plane + y * size + x], tolerance);
    }

    [Fact]
    public void Direct_resize_keeps_each_half_its_colour_and_normalises_per_channel()
    {
        using var image = TestImages.TwoColours(64, 32, TestImages.Red, TestImages.Blue);
        var settings = Settings(16, ResizeModes.Direct, 16);
        var tensor = new float[settings.TensorLength];

        ImagePreprocessor.WriteTensor(image, settings, tensor);

        AssertPixel(tensor, 16, 2, 8, TestImages.Red);
        AssertPixel(tensor, 16, 13, 3, TestImages.Blue);
        Assert.Equal((1 - 0.485f) / 0.229f, tensor[8 * 16 + 2], 1e-4f);
    }

    [Fact]
    public void Shorter_side_crop_keeps_only_the_centre_while_direct_keeps_everything()
    {
        // Blue frame around a red centre band x in [50, 150): resize shorter side 100 -> 50 (image 100x50),
        // crop 40 at (30, 5), which is source x in [60, 140): all red.
        using var image = new SKBitmap(new SKImageInfo(200, 100, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 200; x++)
            {
                image.SetPixel(x, y, x is >= 50 and < 150 ? TestImages.Red : TestImages.Blue);
            }
        }

        var crop = Settings(40, ResizeModes.ShorterSideThenCrop, 50);
        var direct = Settings(40, ResizeModes.Direct, 40);
        var cropped = new float[crop.TensorLength];
        var stretched = new float[direct.TensorLength];

        ImagePreprocessor.WriteTensor(image, crop, cropped);
        ImagePreprocessor.WriteTensor(image, direct, stretched);

        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                AssertPixel(cropped, 40, x, y, TestImages.Red, 1e-3f);
            }
        }

        AssertPixel(stretched, 40, 1, 20, TestImages.Blue, 1e-3f);
        AssertPixel(stretched, 40, 20, 20, TestImages.Red, 1e-3f);
        AssertPixel(stretched, 40, 38, 20, TestImages.Blue, 1e-3f);
    }

    [Fact]
    public void Centre_crop_region_matches_torchvision_arithmetic()
    {
        // 640x480 -> shorter side 256: 341x256 (341.33 truncated); crop 224 at left round(58.5)=58 (banker's: 58), top 16.
        var region = ImagePreprocessor.CentreCropRegion(640, 480, 256, 224);
        var scale = 640f / 341;

        Assert.Equal(58 * scale, region.Left, 1e-3f);
        Assert.Equal(16 * 480f / 256, region.Top, 1e-3f);
        Assert.Equal(224 * scale, region.Width, 1e-3f);
        Assert.Equal(224 * 480f / 256, region.Height, 1e-3f);
    }

    [Fact]
    public void Grayscale_mode_writes_the_same_luma_to_all_three_channels()
    {
        var colour = new SKColor(200, 100, 50);
        using var image = TestImages.Solid(16, 16, colour);
        var settings = Settings(8, ResizeModes.Direct, 8, ColorModes.Grayscale);
        var tensor = new float[settings.TensorLength];

        ImagePreprocessor.WriteTensor(image, settings, tensor);

        const byte luma = 124; // (200*299 + 100*587 + 50*114) / 1000 = 124.2
        Assert.Equal(luma, ImagePreprocessor.Luma(200, 100, 50));
        AssertPixel(tensor, 8, 4, 4, new SKColor(luma, luma, luma));
    }

    [Fact]
    public void Upscaling_a_small_image_fills_the_whole_input()
    {
        using var image = TestImages.Solid(4, 4, TestImages.Blue);
        var settings = Settings(32, ResizeModes.ShorterSideThenCrop, 36);
        var tensor = new float[settings.TensorLength];

        ImagePreprocessor.WriteTensor(image, settings, tensor);

        AssertPixel(tensor, 32, 0, 0, TestImages.Blue, 1e-3f);
        AssertPixel(tensor, 32, 31, 31, TestImages.Blue, 1e-3f);
    }

    [Fact]
    public void A_destination_too_small_for_the_tensor_is_refused()
    {
        using var image = TestImages.Solid(8, 8, TestImages.Red);
        var settings = Settings(8, ResizeModes.Direct, 8);

        Assert.Throws<ArgumentException>(() => ImagePreprocessor.WriteTensor(image, settings, new float[settings.TensorLength - 1]));
    }

    [Theory]
    [InlineData(0, ResizeModes.Direct, 0, ColorModes.Rgb)]
    [InlineData(224, "stretch", 256, ColorModes.Rgb)]
    [InlineData(224, ResizeModes.ShorterSideThenCrop, 200, ColorModes.Rgb)]
    [InlineData(224, ResizeModes.ShorterSideThenCrop, 256, "cmyk")]
    public void Invalid_settings_are_named(int size, string mode, int resize, string colour)
    {
        Assert.Throws<ArgumentException>(() => Settings(size, mode, resize, colour).Validate());
    }

    [Fact]
    public void ImageNet_defaults_are_torchvision_evaluation_transform()
    {
        var settings = PreprocessingSettings.ImageNet;

        settings.Validate();
        Assert.Equal((224, 256), (settings.ImageSize, settings.ResizeSize));
        Assert.Equal(ResizeModes.ShorterSideThenCrop, settings.ResizeMode);
        Assert.Equal(3 * 224 * 224, settings.TensorLength);
    }
}
