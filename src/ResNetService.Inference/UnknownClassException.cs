namespace ResNetService.Inference;

/// <summary>A request named a class the model does not have (400); thrown by <c>ModelInfo.ThrowIfNotAClass</c>.</summary>
public sealed class UnknownClassException(string message) : Exception(message);
