namespace ResNetService.Inference;

/// <summary>The model is not serving: still loading and warming up, or unloaded because the service is stopping (503).</summary>
public sealed class ModelNotReadyException(string? message = null)
    : Exception(message ?? "The model is not loaded yet; it becomes ready after its warm-up batch.")
{
    /// <summary>For requests caught by shutdown.</summary>
    public static ModelNotReadyException Unloaded() => new("The model was unloaded because the service is stopping.");
}
