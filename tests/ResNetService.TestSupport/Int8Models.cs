using ResNetService.Onnx.Protos;
using ResNetService.Quantization;

namespace ResNetService.TestSupport;

/// <summary>int8 models made by this project's own quantizer from fp32 test models, calibrated on noise tensors.</summary>
public static class Int8Models
{
    /// <summary>
    /// Min/max calibration on <paramref name="images"/> noise tensors (<see cref="NoiseTensors"/>, seed
    /// <paramref name="seed"/>): inputs drawn like those the tests then run.
    /// </summary>
    public static ModelProto Quantize(ModelProto fp32, int imageSize, int images = 8, int seed = 2, bool reduceRange = false)
    {
        var batch = NoiseTensors.Batch(images, 3, imageSize, seed);
        return StaticQuantizer.Quantize(fp32, imageSize, [(batch, images)], CalibrationMethod.MinMax, reduceRange);
    }
}
