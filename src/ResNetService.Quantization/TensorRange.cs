namespace ResNetService.Quantization;

/// <summary>The values calibration expects a tensor to take, from <paramref name="Min"/> to <paramref name="Max"/>.</summary>
public readonly record struct TensorRange(float Min, float Max);
