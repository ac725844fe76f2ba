using ResNetService.Quantization;

namespace ResNetService.Trainer.Quantization;

/// <summary>What <c>quantize</c> was asked to do.</summary>
/// <param name="Calibration">How activation ranges are chosen; percentile 99.999 when null.</param>
/// <param name="ReduceRange">Weights in 7 bits, so that the model is exact on x86 cores without VNNI too.</param>
public sealed record QuantizeRequest(
    string ModelPath,
    string DataSource,
    string OutputPath,
    int CalibrationImages = 256,
    CalibrationMethod? Calibration = null,
    int BatchSize = 16,
    string? LabelsFile = null,
    int Seed = 0,
    bool ReduceRange = true)
{
    public CalibrationMethod Method => Calibration ?? CalibrationMethod.AtPercentile(99.999);
}
