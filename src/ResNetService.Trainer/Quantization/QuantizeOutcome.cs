using ResNetService.Quantization;

namespace ResNetService.Trainer.Quantization;

/// <summary>What <c>quantize</c> measured.</summary>
public sealed record QuantizeOutcome(
    FusionReport Fusion, int CalibrationImages, string Calibration, ModelComparison Comparison, long Fp32Bytes, long Int8Bytes);

/// <summary>fp32 against int8 on the test split: accuracies when it is labelled with the model's classes, and always agreement and logit cosine.</summary>
public sealed record ModelComparison(double? Fp32Accuracy, double? Int8Accuracy, double Top1Agreement, double LogitCosine, int Images);
