using ResNetService.Inference.Images;
using ResNetService.Onnx.ModelFile;
using SkiaSharp;

namespace ResNetService.Inference.Tests;

public class ImageDecoderTests
{
    private static readonly ImageLimits Limits = new();

    private static void AssertClose(SKColor expected, SKColor actual, int tolerance)
    {
        Assert.InRange(actual.Red, expected.Red - tolerance, expected.Red + tolerance);
        Assert.InRange(actual.Green, expected.Green - tolerance, expected.Green + tolerance);
        Assert.InRange(actual.Blue, expected.Blue - tolerance, expected.Blue + tolerance);
    }

    public static TheoryData<string> Formats => ["jpeg", "png", "webp", "bmp", "gif"];

    private static byte[] EncodeTwoColours(string format)
    {
        using var image = TestImages.TwoColours(16, 8, TestImages.Red, TestImages.Blue);
        return format switch
        {
            "jpeg" => TestImages.Encode(image, SKEncodedImageFormat.Jpeg),
            "png" => TestImages.Png(image),
            "webp" => TestImages.Encode(image, SKEncodedImageFormat.Webp),
            "bmp" => TestImages.Bmp(image),
            "gif" => TestImages.Gif([TestImages.Red, TestImages.Blue], image),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Accepted_formats_decode_to_the_drawn_pixels(string format)
    {
        using var decoded = ImageDecoder.Decode(EncodeTwoColours(format), Limits);

        Assert.Equal((16, 8), (decoded.Width, decoded.Height));
        AssertClose(TestImages.Red, decoded.GetPixel(2, 4), 40);
        AssertClose(TestImages.Blue, decoded.GetPixel(13, 4), 40);
    }

    [Fact]
    public void An_animated_gif_gives_its_first_frame()
    {
        using var first = TestImages.Solid(4, 4, TestImages.Red);
        using var second = TestImages.Solid(4, 4, TestImages.Blue);

        using var decoded = ImageDecoder.Decode(TestImages.Gif([TestImages.Red, TestImages.Blue], first, second), Limits);

        Assert.Equal(TestImages.Red, decoded.GetPixel(1, 1));
    }

    [Fact]
    public void Exif_orientation_turns_the_photo_upright()
    {
        // Stored 40x20, red left and blue right; orientation 6 means "turn 90 degrees clockwise to view":
        // the viewer sees 20x40 with red on top.
        using var stored = TestImages.TwoColours(40, 20, TestImages.Red, TestImages.Blue);

        using var decoded = ImageDecoder.Decode(TestImages.JpegWithOrientation(stored, 6), Limits);

        Assert.Equal((20, 40), (decoded.Width, decoded.Height));
        AssertClose(TestImages.Red, decoded.GetPixel(10, 5), 40);
        AssertClose(TestImages.Blue, decoded.GetPixel(10, 35), 40);
    }

    [Fact]
    public void Transparent_pixels_keep_their_colour_and_become_opaque()
    {
        using var image = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = image.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (10, 200, 30, 0); // Erase would premultiply
        }

        using var decoded = ImageDecoder.Decode(TestImages.Png(image), Limits);

        Assert.Equal(new SKColor(10, 200, 30, 255), decoded.GetPixel(1, 1));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', (byte)' ', (byte)'w', (byte)'o', (byte)'r', (byte)'l', (byte)'d' })]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 4, 0, 0, 0, (byte)'W', (byte)'A', (byte)'V', (byte)'E' })]
    public void Garbage_is_not_an_image(byte[] bytes)
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, Limits));

        Assert.Equal(ImageProblem.NotAnImage, error.Problem);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    public void A_truncated_file_is_corrupt(string format)
    {
        using var noise = TestImages.Noise(64, 64, seed: 1);
        var whole = format == "jpeg" ? TestImages.Encode(noise, SKEncodedImageFormat.Jpeg) : TestImages.Png(noise);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(whole[..(whole.Length / 2)], Limits));

        Assert.Equal(ImageProblem.Corrupt, error.Problem);
    }

    /// <summary>A 640x480 photo decodes at 5/8 for ImageNet's preprocessing and whole without it: both refuse the same damage.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_damaged_photo_is_refused_alike_whether_decoded_scaled_or_whole(bool scaled)
    {
        using var photo = TestImages.Noise(640, 480, seed: 5);
        var jpeg = TestImages.Encode(photo, SKEncodedImageFormat.Jpeg, 85);
        var target = scaled ? PreprocessingSettings.ImageNet : null;
        var garbled = (byte[])jpeg.Clone();
        new Random(6).NextBytes(garbled.AsSpan(jpeg.Length / 3, 64)); // inside the entropy-coded data
        using (var decoded = ImageDecoder.Decode(jpeg, Limits, target))
        {
            Assert.Equal(scaled ? 400 : 640, decoded.Width);
        }

        foreach (var cut in new[] { jpeg.Length / 2, jpeg.Length - 2, 20 })
        {
            var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(jpeg[..cut], Limits, target));
            Assert.Equal(ImageProblem.Corrupt, error.Problem);
        }

        // A garbled stream may still decode (JPEG resynchronises), but never reads past its buffer or fails otherwise.
        try
        {
            using var _ = ImageDecoder.Decode(garbled, Limits, target);
        }
        catch (ImageRejectedException e)
        {
            Assert.Equal(ImageProblem.Corrupt, e.Problem);
        }

        var tooLarge = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(jpeg, new ImageLimits { MaxPixels = 640 * 480 - 1 }, target));
        Assert.Equal(ImageProblem.TooManyPixels, tooLarge.Problem);
        var plan = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Plan(jpeg[..20], Limits, target)); // cut in its header
        Assert.Equal(ImageProblem.Corrupt, plan.Problem);
    }

    [Fact]
    public void A_file_cut_inside_its_header_is_corrupt()
    {
        using var image = TestImages.Solid(8, 8, TestImages.Red);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(TestImages.Png(image)[..20], Limits));

        Assert.Equal(ImageProblem.Corrupt, error.Problem);
    }

    [Fact]
    public void Known_formats_that_are_not_accepted_are_unsupported()
    {
        using var image = TestImages.Solid(16, 16, TestImages.Red);
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] heic = [0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0, 0, 0];

        foreach (var file in new[] { tiff, heic, TestImages.IcoWithPng(TestImages.Png(image)) })
        {
            var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(file, Limits));
            Assert.Equal(ImageProblem.UnsupportedFormat, error.Problem);
        }
    }

    [Fact]
    public void Pixel_count_is_checked_from_the_header_before_decoding()
    {
        // 30000 x 30000 would need 3.6 GB to decode; the file itself is tiny and its pixel data would not even fit.
        var claimsHuge = TestImages.PngClaimingSize(30_000, 30_000);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(claimsHuge, Limits));

        Assert.Equal(ImageProblem.TooManyPixels, error.Problem);
    }

    [Fact]
    public void Configured_pixel_and_byte_limits_apply()
    {
        using var image = TestImages.Solid(100, 100, TestImages.Red);
        var png = TestImages.Png(image);

        var pixels = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(png, new ImageLimits { MaxPixels = 9_999 }));
        var bytes = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(png, new ImageLimits { MaxBytes = png.Length - 1 }));
        using var allowed = ImageDecoder.Decode(png, new ImageLimits { MaxPixels = 10_000, MaxBytes = png.Length });

        Assert.Equal(ImageProblem.TooManyPixels, pixels.Problem);
        Assert.Equal(ImageProblem.TooManyBytes, bytes.Problem);
        Assert.Equal(100, allowed.Width);
    }

    [Fact]
    public void A_large_jpeg_is_decoded_smaller_but_never_below_what_the_resize_needs()
    {
        using var large = TestImages.Noise(2000, 1500, seed: 2);
        var jpeg = TestImages.Encode(large, SKEncodedImageFormat.Jpeg, 80);

        using var forImageNet = ImageDecoder.Decode(jpeg, Limits, PreprocessingSettings.ImageNet);
        using var forSmallInput = ImageDecoder.Decode(jpeg, Limits, PreprocessingSettings.ImageNet with
        {
            ImageSize = 32,
            ResizeSize = 32,
            ResizeMode = ResizeModes.Direct,
        });
        using var full = ImageDecoder.Decode(jpeg, Limits);

        // 1/8 would give 250x188, short of the 256 the shorter side is resized to; 1/4 gives 500x375.
        Assert.Equal((500, 375), (forImageNet.Width, forImageNet.Height));
        Assert.Equal((250, 188), (forSmallInput.Width, forSmallInput.Height));
        Assert.Equal((2000, 1500), (full.Width, full.Height));
    }

    [Theory]
    [InlineData(640, 480, 400, 300)] // 5/8: 4/8 would give a 240-pixel shorter side
    [InlineData(1024, 768, 384, 288)] // 3/8
    [InlineData(300, 300, 263, 263)] // 7/8 (rounded up), the last step before full size
    [InlineData(270, 270, 270, 270)] // 7/8 would be 237: decoded in full
    public void A_jpeg_is_decoded_at_the_smallest_eighth_that_keeps_the_shorter_side_at_256(
        int width, int height, int decodedWidth, int decodedHeight)
    {
        using var photo = TestImages.Noise(width, height, seed: 4);
        var jpeg = TestImages.Encode(photo, SKEncodedImageFormat.Jpeg, 85);

        using var decoded = ImageDecoder.Decode(jpeg, Limits, PreprocessingSettings.ImageNet);

        Assert.Equal((decodedWidth, decodedHeight), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void A_png_is_decoded_at_full_size_because_it_cannot_be_scaled_while_decoding()
    {
        using var large = TestImages.Noise(1200, 900, seed: 3);

        using var decoded = ImageDecoder.Decode(TestImages.Png(large), Limits, PreprocessingSettings.ImageNet);

        Assert.Equal((1200, 900), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void A_plan_tells_from_the_header_what_decoding_will_allocate()
    {
        using var large = TestImages.Noise(2000, 1500, seed: 2);
        var jpeg = TestImages.Encode(large, SKEncodedImageFormat.Jpeg, 80);
        var png = TestImages.Png(large);

        var jpegPlan = ImageDecoder.Plan(jpeg, Limits, PreprocessingSettings.ImageNet);
        var pngPlan = ImageDecoder.Plan(png, Limits, PreprocessingSettings.ImageNet);
        using var decoded = ImageDecoder.Decode(jpeg, Limits, PreprocessingSettings.ImageNet);

        Assert.Equal(new DecodePlan(2000, 1500, 500, 375, Turns: false, jpeg.Length), jpegPlan);
        Assert.Equal((decoded.Width, decoded.Height), (jpegPlan.DecodeWidth, jpegPlan.DecodeHeight));
        Assert.Equal(new DecodePlan(2000, 1500, 2000, 1500, Turns: false, png.Length), pngPlan);
    }

    [Fact]
    public void A_plan_needs_only_the_header_and_refuses_what_decoding_would()
    {
        // A header that promises pixels it does not carry: planned from the header, never decoded.
        var plan = ImageDecoder.Plan(TestImages.PngClaimingSize(3000, 2000), Limits);
        var huge = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Plan(TestImages.PngClaimingSize(30_000, 30_000), Limits));
        var garbage = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Plan(new byte[] { 1, 2, 3, 4, 5, 6 }, Limits));

        Assert.Equal((3000, 2000), (plan.DecodeWidth, plan.DecodeHeight));
        Assert.Equal(ImageProblem.TooManyPixels, huge.Problem);
        Assert.Equal(ImageProblem.NotAnImage, garbage.Problem);
    }

    [Fact]
    public void A_plan_of_a_turned_jpeg_counts_the_upright_copy()
    {
        using var stored = TestImages.Solid(40, 20, TestImages.Red);

        var plan = ImageDecoder.Plan(TestImages.JpegWithOrientation(stored, 6), Limits);

        Assert.True(plan.Turns);
    }

    [Fact]
    public void A_plan_reads_a_slice_of_a_larger_buffer_in_place()
    {
        using var image = TestImages.Solid(30, 10, TestImages.Blue);
        var png = TestImages.Png(image);
        var buffer = new byte[png.Length + 7];
        png.CopyTo(buffer, 5);

        var plan = ImageDecoder.Plan(buffer.AsMemory(5, png.Length), Limits);

        Assert.Equal((30, 10, png.Length), (plan.Width, plan.Height, plan.EncodedBytes));
    }
}
