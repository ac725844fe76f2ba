namespace ResNetService.Inference;

/// <summary>The model file, its metadata or the requested execution provider cannot be used: the service must not start.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
