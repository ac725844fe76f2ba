using System.Buffers;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;
using ResNetService.TestSupport;

namespace ResNetService.Inference.Tests.Overload;

/// <summary>
/// A classifier whose queue is full refuses before it decodes anything: the images it is handed record whether their
/// bytes were ever looked at. The model (a real one) is held at a gate while the queue fills behind it.
/// </summary>
public sealed class ClassifierOverloadTests(ModelFiles files) : IClassFixture<ModelFiles>
{
    [Fact]
    public async Task A_full_queue_refuses_single_and_batch_requests_before_decoding_them()
    {
        var onnx = OnnxSession.Load(
            new ModelLoadSettings { Path = files.Write("gated", ModelFiles.SmallModelMetadata()), ExecutionProvider = ExecutionProviderPreference.Cpu });
        var model = new GatedModel(inner: onnx);
        var batching = new BatchingOptions { MaxBatchSize = 1, QueueCapacity = 2, MaxBatchDelay = TimeSpan.Zero };
        await using var classifier = new ImageClassifier(onnx.Info, model, batching, new ImageLimits());
        var image = Image(1);

        var running = classifier.ClassifyAsync(image, topK: 1);
        await model.EnteredAsync();
        var queued = classifier.ClassifyAsync(image, topK: 1); // one place left

        var pair = new[] { new RecordingMemory(image), new RecordingMemory(image) };
        await Assert.ThrowsAsync<OverloadedException>(() => classifier.ClassifyBatchAsync(pair.Select(m => m.Bytes).ToList(), topK: 1));
        var third = new RecordingMemory(image);
        classifier.EnsureRoom(1);
        var single = classifier.ClassifyAsync(image, topK: 1); // takes the last place
        await Assert.ThrowsAsync<OverloadedException>(() => classifier.ClassifyAsync(third.Bytes, topK: 1));

        Assert.All(pair.Append(third), m => Assert.Equal(0, m.Reads));
        Assert.Equal(2, classifier.Statistics.Overloaded);
        model.Open();
        var results = await Task.WhenAll(running, queued, single);
        Assert.All(results, r => Assert.Single(r.Predictions));
        Assert.Equal(3, model.Batches.Count);
    }

    private static byte[] Image(int seed)
    {
        using var bitmap = TestImages.Noise(40, 30, seed);
        return TestImages.Png(bitmap);
    }

    /// <summary>Image bytes that count how often anyone asks for them.</summary>
    private sealed class RecordingMemory(byte[] bytes) : MemoryManager<byte>
    {
        public int Reads { get; private set; }

        /// <summary>The bytes as memory (made without reading them, unlike <see cref="MemoryManager{T}.Memory"/>).</summary>
        public ReadOnlyMemory<byte> Bytes => CreateMemory(bytes.Length);

        public override Span<byte> GetSpan()
        {
            Reads++;
            return bytes;
        }

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
