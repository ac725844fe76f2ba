namespace ResNetService.Trainer.Weights;

/// <summary>The kinds of weights file the trainer can import.</summary>
public enum WeightFormat
{
    Onnx,
    PyTorch,
    Safetensors,
}
