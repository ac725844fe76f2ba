using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Makes the classifier (decoding, batcher, answers) that serves one loaded version's session. One registration for
/// every model, the default one included; a test replaces it to put a gate or a stub in front of a real session.
/// </summary>
public interface IClassifierFactory
{
    IImageModel Create(OnnxSession session, BatchingOptions batching, long version);
}

/// <summary>
/// The service's classifiers: an <see cref="ImageClassifier"/> within the image limits and the memory budget, decoding as
/// <see cref="ImageDecoding"/> says.
/// </summary>
public sealed class ClassifierFactory(IOptions<ImageLimits> limits, IOptions<ImageDecoding> decoding, ILoggerFactory loggers, MemoryBudget memory)
    : IClassifierFactory
{
    public IImageModel Create(OnnxSession session, BatchingOptions batching, long version) =>
        new ImageClassifier(session, batching, limits.Value, loggers.CreateLogger<ImageClassifier>(), version, memory, decoding: decoding.Value);
}
