using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;

namespace ResNetService.Inference.Tests;

public class ImageClassifierTests : IClassFixture<ModelFiles>
{
    /// <summary>Bounds a wait that only a hang would make long.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ModelFiles _files;

    public ImageClassifierTests(ModelFiles files) => _files = files;

    /// <param name="clock">The batcher's clock: one the test moves makes batches form by size alone until it moves.</param>
    private ImageClassifier Create(BatchingOptions batching, string name = "classifier", int? fixedBatch = null, TimeProvider? clock = null)
    {
        var path = _files.Write(name, ModelFiles.SmallModelMetadata(), fixedBatch: fixedBatch);
        var model = OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu }, batching.MaxBatchSize);
        return new ImageClassifier(model, batching, new ImageLimits(), timeProvider: clock);
    }

    private static byte[][] NoiseImages(int count) => Enumerable.Range(0, count).Select(i =>
    {
        using var image = TestImages.Noise(40 + i, 36, seed: 100 + i);
        return TestImages.Png(image);
    }).ToArray();

    private static async Task<float[][]> ClassifyOneByOne(IImageClassifier classifier, byte[][] images, int topK)
    {
        var answers = new List<float[]>();
        foreach (var image in images)
        {
            answers.Add(Flatten(await classifier.ClassifyAsync(image, topK)));
        }

        return answers.ToArray();
    }

    /// <summary>A ranking as numbers: index, probability, index, probability...</summary>
    private static float[] Flatten(ClassificationResult result) =>
        result.Predictions.SelectMany(p => new[] { p.Index, p.Probability }).ToArray();

    private static void AssertSameAnswers(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (var j = 0; j < expected[i].Length; j++)
            {
                Assert.Equal(expected[i][j], actual[i][j], 1e-4f);
            }
        }
    }

    /// <summary>
    /// Scaled decoding (the default) and whole decoding (<see cref="ImageDecoding.Scaled"/> off) each answer exactly as the
    /// model does on the tensor of their own decode, and a photo larger than the model needs gets different pixels.
    /// </summary>
    [Fact]
    public async Task Each_decoding_answers_as_the_model_does_on_the_tensor_of_its_own_decode()
    {
        var path = _files.Write("decoding", ModelFiles.SmallModelMetadata());
        using var photo = TestImages.Noise(640, 480, seed: 8);
        var jpeg = TestImages.Encode(photo, SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
        var answers = new List<float[]>();
        foreach (var scaled in new[] { true, false })
        {
            var model = OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu });
            await using var classifier = new ImageClassifier(model, new BatchingOptions(), new ImageLimits(), decoding: new ImageDecoding { Scaled = scaled });
            var settings = classifier.Info.Preprocessing;
            using var decoded = ImageDecoder.Decode(jpeg, new ImageLimits(), scaled ? settings : null);
            Assert.Equal(scaled ? 80 : 640, decoded.Width); // 1/8 keeps every pixel the small model's resize needs
            var tensor = new float[settings.TensorLength];
            Preprocessing.ImagePreprocessor.WriteTensor(decoded, settings, tensor);
            var expected = (await classifier.InferAsync([tensor]))[0];
            if (classifier.Info.OutputKind == OutputKinds.Logits)
            {
                Probabilities.Softmax(expected, expected);
            }

            var result = await classifier.ClassifyAsync(jpeg, classifier.Info.Classes);

            Assert.All(result.Predictions, p => Assert.Equal(expected[p.Index], p.Probability, 1e-5f));
            answers.Add(expected);
        }

        Assert.NotEqual(answers[0], answers[1]);
    }

    [Fact]
    public async Task Concurrent_requests_get_exactly_the_answer_they_get_alone()
    {
        var images = NoiseImages(12);
        await using var alone = Create(new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero }, "alone");
        // The batch delay never ends on a clock that does not move: a run starts only when four rows wait.
        var batching = new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(1) };
        await using var batched = Create(batching, "batched", clock: new FakeTimeProvider());

        var expected = await ClassifyOneByOne(alone, images, topK: 10);
        var concurrent = await Task.WhenAll(images.Select(image => Task.Run(() => batched.ClassifyAsync(image, topK: 10)))).WaitAsync(Patience);

        AssertSameAnswers(expected, concurrent.Select(Flatten).ToArray());
        Assert.Equal(12, batched.Statistics.Images);
        Assert.Equal(3, batched.Statistics.Batches);
        Assert.All(concurrent, result => Assert.Equal(4, result.BatchSize));
    }

    [Fact]
    public async Task Predictions_are_ranked_probabilities_with_labels()
    {
        await using var classifier = Create(new BatchingOptions());
        using var image = TestImages.Noise(50, 50, seed: 1);

        var all = await classifier.ClassifyAsync(TestImages.Png(image), topK: 100);
        var top3 = await classifier.ClassifyAsync(TestImages.Png(image), topK: 3);

        Assert.Equal(10, all.Predictions.Count); // clamped to the class count
        Assert.Equal(1.0, all.Predictions.Sum(p => (double)p.Probability), 1e-5);
        Assert.True(all.Predictions.Zip(all.Predictions.Skip(1)).All(pair => pair.First.Probability >= pair.Second.Probability));
        Assert.All(all.Predictions, p => Assert.Equal(ModelFiles.TenLabels[p.Index], p.Label));
        Assert.Equal(all.Predictions.Take(3).Select(p => p.Index), top3.Predictions.Select(p => p.Index));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => classifier.ClassifyAsync(TestImages.Png(image), topK: 0));
    }

    [Fact]
    public async Task A_batch_request_reports_each_image_on_its_own()
    {
        var images = NoiseImages(9);
        var mixed = images.Select(i => (ReadOnlyMemory<byte>)i).ToList();
        mixed.Insert(4, "not an image at all"u8.ToArray());
        await using var alone = Create(new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero }, "batch-alone");
        var batching = new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(1) };
        var clock = new FakeTimeProvider();
        await using var batched = Create(batching, "batch-batched", clock: clock);

        var expected = await ClassifyOneByOne(alone, images, topK: 5);
        // The call returns once every image is decoded and queued; only then does the batch delay end.
        var pending = batched.ClassifyBatchAsync(mixed, topK: 5);
        clock.Advance(batching.MaxBatchDelay);
        var results = await pending.WaitAsync(Patience);

        Assert.Equal(10, results.Count);
        Assert.Equal(ImageProblem.NotAnImage, results[4].Rejection?.Problem);
        Assert.False(results[4].Succeeded);
        var answers = results.Where((_, i) => i != 4).Select(r => Flatten(r.Classification!)).ToArray();
        AssertSameAnswers(expected, answers);
        Assert.Equal([4, 4, 4, 4, 4, 4, 4, 4, 1], results.Where(r => r.Succeeded).Select(r => r.Classification!.BatchSize));
        Assert.Equal(3, batched.Statistics.Batches); // 9 images in runs of at most 4
    }

    [Fact]
    public async Task A_model_with_a_fixed_batch_of_one_runs_rows_one_by_one()
    {
        var images = NoiseImages(5);
        await using var dynamic = Create(new BatchingOptions { MaxBatchSize = 1, MaxBatchDelay = TimeSpan.Zero }, "dynamic-batch");
        await using var fixedBatch = Create(new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromMilliseconds(50) }, "fixed-batch", fixedBatch: 1);

        var expected = await ClassifyOneByOne(dynamic, images, topK: 3);
        var results = await fixedBatch.ClassifyBatchAsync(images.Select(i => (ReadOnlyMemory<byte>)i).ToArray(), topK: 3);

        Assert.Equal(1, fixedBatch.Info.FixedBatchSize);
        AssertSameAnswers(expected, results.Select(r => Flatten(r.Classification!)).ToArray());
    }

    [Fact]
    public async Task Bad_images_are_rejected_with_their_kind()
    {
        await using var classifier = Create(new BatchingOptions());

        var garbage = await Assert.ThrowsAsync<ImageRejectedException>(() => classifier.ClassifyAsync(new byte[] { 1, 2, 3, 4, 5, 6 }, 1));
        var huge = await Assert.ThrowsAsync<ImageRejectedException>(() => classifier.ClassifyAsync(TestImages.PngClaimingSize(20_000, 20_000), 1));

        Assert.Equal(ImageProblem.NotAnImage, garbage.Problem);
        Assert.Equal(ImageProblem.TooManyPixels, huge.Problem);
        Assert.Equal(0, classifier.Statistics.Images);
    }

    [Fact]
    public async Task Preprocessed_rows_get_the_models_own_output_for_each_row()
    {
        var path = _files.Write("rows", ModelFiles.SmallModelMetadata());
        var model = OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu }, 4);
        var batching = new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(1) };
        var clock = new FakeTimeProvider();
        await using var classifier = new ImageClassifier(model, batching, new ImageLimits(), timeProvider: clock);
        var length = classifier.Info.Preprocessing.TensorLength;
        var random = new Random(5);
        var input = new float[6 * length];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() * 4 - 2);
        }

        var rows = Enumerable.Range(0, 6).Select(r => (ReadOnlyMemory<float>)input.AsMemory(r * length, length)).ToArray();
        var pending = classifier.InferAsync(rows); // returns once all six are queued
        clock.Advance(batching.MaxBatchDelay);
        var outputs = await pending.WaitAsync(Patience);

        // The same tensor straight through ONNX Runtime, all six rows in one run.
        using var session = new InferenceSession(path);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [6, 3, 32, 32]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [tensor], session.OutputNames);
        var expected = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(6, outputs.Count);
        for (var r = 0; r < 6; r++)
        {
            Assert.Equal(10, outputs[r].Length);
            for (var c = 0; c < 10; c++)
            {
                Assert.Equal(expected[r * 10 + c], outputs[r][c], 1e-4f);
            }
        }

        Assert.Equal(2, classifier.Statistics.Batches); // 6 rows in runs of at most 4
        await Assert.ThrowsAsync<ArgumentException>(() => classifier.InferAsync([new float[length - 1]]));
    }
}
