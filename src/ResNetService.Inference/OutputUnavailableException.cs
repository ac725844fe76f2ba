namespace ResNetService.Inference;

/// <summary>The model cannot give what was asked of it (an embedding, an explanation), for the reason in the message (400).</summary>
public sealed class OutputUnavailableException(string message) : Exception(message);
