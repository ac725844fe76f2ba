namespace ResNetService.Quantization;

/// <summary>
/// How a tensor maps to 8 bits: real = scale x (q - zero point). Activations are uint8 with a zero point (the
/// layout ONNX Runtime's int8 convolutions take), weights int8 and symmetric (zero point 0).
/// </summary>
public readonly record struct QuantizationParameters(float Scale, int ZeroPoint)
{
    /// <summary>Smallest scale used, so a tensor that is constant zero still has a valid (positive) scale.</summary>
    private const float TinyScale = 1e-8f;

    /// <summary>uint8 parameters covering <paramref name="range"/>, widened to include 0 so that zero is exact (padding, ReLU).</summary>
    public static QuantizationParameters ForActivation(TensorRange range)
    {
        var min = Math.Min(range.Min, 0f);
        var max = Math.Max(range.Max, 0f);
        var scale = Math.Max((max - min) / 255f, TinyScale);
        return new QuantizationParameters(scale, Math.Clamp((int)MathF.Round(-min / scale), 0, 255));
    }

    /// <summary>
    /// Symmetric int8 for weights whose largest magnitude is <paramref name="maxAbs"/>: -<paramref name="levels"/> ..
    /// <paramref name="levels"/> (127, or 63 for a reduced range), zero point 0.
    /// </summary>
    public static QuantizationParameters ForWeight(float maxAbs, int levels = 127) => new(Math.Max(maxAbs / levels, TinyScale), 0);
}
