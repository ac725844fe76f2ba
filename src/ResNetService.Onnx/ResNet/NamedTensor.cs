namespace ResNetService.Onnx.ResNet;

/// <summary>A float32 tensor under its torchvision state_dict name, values in row-major order.</summary>
public sealed record NamedTensor(string Name, long[] Shape, float[] Data);
