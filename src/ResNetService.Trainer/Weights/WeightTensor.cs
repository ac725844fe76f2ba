namespace ResNetService.Trainer.Weights;

/// <summary>One named tensor read from a weights file, widened to float32 (the network's type) whatever it was stored as.</summary>
/// <param name="Name">The name in the file, e.g. <c>module.layer1.0.conv1.weight</c>.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="StoredAs">The type in the file, e.g. <c>float32</c>, <c>float16</c>, <c>bfloat16</c>, <c>int64</c>.</param>
/// <param name="Values">Row-major (C order) elements.</param>
public sealed record WeightTensor(string Name, long[] Shape, string StoredAs, float[] Values);
