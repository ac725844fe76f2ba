namespace ResNetService.Trainer.Weights;

/// <summary>The tensors of a weights file in any format the trainer imports, told apart by content.</summary>
public static class WeightFile
{
    public static IReadOnlyDictionary<string, WeightTensor> Read(string path) => WeightFormats.Detect(path) switch
    {
        WeightFormat.PyTorch => PyTorchCheckpoint.Read(path),
        WeightFormat.Safetensors => SafetensorsFile.Read(path),
        _ => OnnxWeights.Read(path),
    };
}
