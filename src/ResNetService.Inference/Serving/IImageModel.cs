namespace ResNetService.Inference.Serving;

/// <summary>
/// Everything one loaded version answers, as the repository holds it: a caller takes the one part it uses from its
/// lease (<c>Classifier</c>, <c>Embedder</c>, <c>Explainer</c>, <c>Tensors</c> or <c>Admission</c>).
/// <see cref="ImageClassifier"/> is the service's one implementation.
/// </summary>
public interface IImageModel : IImageClassifier, IImageEmbedder, IImageExplainer, ITensorInference;
