using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Repository;
using ResNetService.Inference.Serving;

namespace ResNetService.Api.Tests.Support;

/// <summary>
/// Hands the service one classifier the test built (a gate in front of a real session); the session the service loaded
/// for it is not needed and is disposed.
/// </summary>
public sealed class FixedClassifierFactory(IImageModel classifier) : IClassifierFactory
{
    public IImageModel Create(OnnxSession session, BatchingOptions batching, long version)
    {
        session.Dispose();
        return classifier;
    }
}

/// <summary>Serves every loaded session through a classifier already unloaded: the service while no version of a model serves.</summary>
public sealed class UnloadedClassifierFactory : IClassifierFactory
{
    public IImageModel Create(OnnxSession session, BatchingOptions batching, long version)
    {
        var classifier = new ImageClassifier(session, batching, new ImageLimits());
        classifier.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return classifier;
    }
}

/// <summary>
/// The service's own kind of classifier, with its batcher on a clock the test holds: while that clock does not move, a
/// batch delay never ends, and batches form by size alone.
/// </summary>
public sealed class ClockedClassifierFactory(TimeProvider clock) : IClassifierFactory
{
    public IImageModel Create(OnnxSession session, BatchingOptions batching, long version) =>
        new ImageClassifier(session, batching, new ImageLimits(), version: version, timeProvider: clock);
}
