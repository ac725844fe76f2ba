namespace ResNetService.Inference;

/// <summary>The model has not finished loading and warming up yet (503).</summary>
public sealed class ModelNotReadyException()
    : Exception("The model is not loaded yet; it becomes ready after its warm-up batch.");
