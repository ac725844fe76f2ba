namespace ResNetService.Inference;

/// <summary>A request named a class the model does not have (400).</summary>
public sealed class UnknownClassException(string message) : Exception(message);
