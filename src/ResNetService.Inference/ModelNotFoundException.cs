namespace ResNetService.Inference;

/// <summary>No model of that name, or no version of that number, is in the repository (404).</summary>
public sealed class ModelNotFoundException(string message) : Exception(message);
