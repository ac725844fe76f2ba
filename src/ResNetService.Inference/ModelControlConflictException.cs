namespace ResNetService.Inference;

/// <summary>A model control request the repository's state does not allow: unloading the default model, or loading in poll mode.</summary>
public sealed class ModelControlConflictException(string message) : Exception(message);
