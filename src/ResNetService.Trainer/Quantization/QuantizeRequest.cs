namespace ResNetService.Trainer.Quantization;

/// <summary>What <c>quantize</c> was asked to do.</summary>
/// <param name="Method">A <see cref="CalibrationMethods"/> name.</param>
/// <param name="Percentile">For the percentile method: the share of values kept at each end, e.g. 99.999.</param>
public sealed record QuantizeRequest(
    string ModelPath,
    string DataSource,
    string OutputPath,
    int CalibrationImages = 256,
    string Method = CalibrationMethods.Percentile,
    double Percentile = 99.999,
    int BatchSize = 16,
    string? LabelsFile = null,
    int Seed = 0,
    bool ReduceRange = false);

/// <summary>How activation ranges are chosen from what calibration saw.</summary>
public static class CalibrationMethods
{
    /// <summary>Clip the rarest values at each end (<see cref="QuantizeRequest.Percentile"/>), so outliers do not stretch the scale.</summary>
    public const string Percentile = "percentile";

    /// <summary>The smallest and largest values seen.</summary>
    public const string MinMax = "minmax";

    public static readonly IReadOnlyList<string> All = [Percentile, MinMax];
}
