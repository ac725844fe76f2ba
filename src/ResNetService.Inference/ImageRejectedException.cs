namespace ResNetService.Inference;

/// <summary>An image the service will not classify; <see cref="Problem"/> says why in a stable, mappable way.</summary>
public sealed class ImageRejectedException(ImageProblem problem, string message) : Exception(message)
{
    public ImageProblem Problem { get; } = problem;
}
