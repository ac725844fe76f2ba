using System.Globalization;

namespace ResNetService.Quantization;

/// <summary>How an activation's range is chosen from what calibration saw.</summary>
public sealed record CalibrationMethod
{
    public const string PercentileName = "percentile";
    public const string MinMaxName = "minmax";

    public static readonly IReadOnlyList<string> Names = [PercentileName, MinMaxName];

    private CalibrationMethod(string name, double percentile) => (Name, Percentile) = (name, percentile);

    /// <summary><see cref="PercentileName"/> or <see cref="MinMaxName"/>.</summary>
    public string Name { get; }

    /// <summary>For the percentile method, the share of values kept at each end, e.g. 99.999.</summary>
    public double Percentile { get; }

    /// <summary>The smallest and largest values seen: one outlier stretches the scale for all the others.</summary>
    public static CalibrationMethod MinMax { get; } = new(MinMaxName, 100);

    /// <summary>Clips the rarest values at each end, so a few outliers do not stretch the scale.</summary>
    public static CalibrationMethod AtPercentile(double percentile) => percentile is > 50 and <= 100
        ? new(PercentileName, percentile)
        : throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile above 50 and at most 100 is kept.");

    public static CalibrationMethod Parse(string name, double percentile) => name switch
    {
        MinMaxName => MinMax,
        PercentileName => AtPercentile(percentile),
        _ => throw new ArgumentException($"Unknown calibration method '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    public TensorRange Range(RangeHistogram histogram) => Name == MinMaxName ? histogram.MinMax : histogram.Percentile(Percentile);

    /// <summary>As recorded in the model's metadata: <c>minmax</c> or <c>percentile 99.999</c>.</summary>
    public override string ToString() => Name == MinMaxName ? Name : $"{Name} {Percentile.ToString(CultureInfo.InvariantCulture)}";
}
