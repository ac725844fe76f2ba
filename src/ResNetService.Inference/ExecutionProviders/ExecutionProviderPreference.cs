namespace ResNetService.Inference.ExecutionProviders;

/// <summary>Which ONNX Runtime execution provider the model should run on.</summary>
public enum ExecutionProviderPreference
{
    /// <summary>CUDA when the GPU build of ONNX Runtime and a GPU are present, else CPU (the reason is logged and reported).</summary>
    Auto,

    /// <summary>CUDA or nothing: loading fails with a clear message when CUDA cannot be used.</summary>
    Cuda,

    /// <summary>Always the CPU.</summary>
    Cpu,
}
