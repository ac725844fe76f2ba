using ResNetService.Inference.Explanations;

namespace ResNetService.Inference.Serving;

/// <summary>Class activation maps: which part of an image made the model choose a class.</summary>
public interface IImageExplainer : IModelAdmission
{
    /// <summary>
    /// A class activation map of one image for <paramref name="classIndex"/>, or for its top class when null, with the
    /// part of the image the network saw (the caller disposes the result).
    /// </summary>
    /// <exception cref="OutputUnavailableException">The model is not global average pooling then one fully connected layer, or has no feature map.</exception>
    /// <exception cref="UnknownClassException"><paramref name="classIndex"/> is not one of the model's classes.</exception>
    Task<Explanation> ExplainAsync(ReadOnlyMemory<byte> image, int? classIndex, CancellationToken cancellationToken = default);
}
