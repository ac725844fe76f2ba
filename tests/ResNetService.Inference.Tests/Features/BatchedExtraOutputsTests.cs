using Microsoft.Extensions.Time.Testing;
using ResNetService.Inference.Batching;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Tests.Features;

/// <summary>
/// The batch delay runs on a clock the test moves, and every row is queued before it moves: the rows can only share one
/// run, however slow the machine, and a batcher that ran them apart fails.
/// </summary>
public class BatchedExtraOutputsTests
{
    private static readonly BatchingOptions Batching = new() { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.FromSeconds(1) };

    /// <summary>Doubles its one-float rows; the embedding is the row plus 100, the feature map the row twice. Records what each run fetched.</summary>
    private sealed class RecordingModel : IBatchSession
    {
        public List<(int Rows, ExtraOutputs Fetched)> Runs { get; } = [];

        public int InputLength => 1;
        public int OutputLength => 1;

        public int ExtraOutputLength(ExtraOutputs output) => output == ExtraOutputs.FeatureMap ? 2 : 1;

        public void Run(Memory<float> input, int rows, Span<float> output) => Run(input, rows, output, ExtraOutputs.None, default, default);

        public void Run(Memory<float> input, int rows, Span<float> output, ExtraOutputs extras, Span<float> embedding, Span<float> featureMap)
        {
            lock (Runs)
            {
                Runs.Add((rows, extras));
            }

            for (var i = 0; i < rows; i++)
            {
                var x = input.Span[i];
                output[i] = 2 * x;
                if (extras.HasFlag(ExtraOutputs.Embedding))
                {
                    embedding[i] = x + 100;
                }

                if (extras.HasFlag(ExtraOutputs.FeatureMap))
                {
                    featureMap[2 * i] = featureMap[2 * i + 1] = x;
                }
            }
        }
    }

    private static float[] Row(DynamicBatcher batcher, float value)
    {
        var row = batcher.RentRow();
        row[0] = value;
        return row;
    }

    [Fact]
    public async Task Rows_that_ask_for_nothing_extra_are_run_without_the_extra_outputs()
    {
        var model = new RecordingModel();
        var clock = new FakeTimeProvider();
        await using var batcher = new DynamicBatcher(model, Batching, timeProvider: clock);

        var rows = batcher.RunManyAsync([Row(batcher, 1), Row(batcher, 2)]);
        clock.Advance(Batching.MaxBatchDelay);
        var results = await Task.WhenAll(rows).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([(2, ExtraOutputs.None)], model.Runs);
        Assert.All(results, result => Assert.Null(result.Embedding));
        Assert.Equal([2f, 4f], results.Select(r => r.Output[0]));
    }

    [Fact]
    public async Task A_mixed_batch_fetches_what_its_rows_need_and_each_row_gets_only_what_it_asked_for()
    {
        var model = new RecordingModel();
        var clock = new FakeTimeProvider();
        await using var batcher = new DynamicBatcher(model, Batching, timeProvider: clock);

        var plain = batcher.RunManyAsync([Row(batcher, 1)], ExtraOutputs.None)[0];
        var embedded = batcher.RunManyAsync([Row(batcher, 2)], ExtraOutputs.Embedding)[0];
        var mapped = batcher.RunManyAsync([Row(batcher, 3)], ExtraOutputs.FeatureMap)[0];
        clock.Advance(Batching.MaxBatchDelay);
        await Task.WhenAll(plain, embedded, mapped).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([(3, ExtraOutputs.Embedding | ExtraOutputs.FeatureMap)], model.Runs);
        Assert.Null((await plain).Embedding);
        Assert.Null((await plain).FeatureMap);
        var (withEmbedding, withMap) = (await embedded, await mapped);
        Assert.Equal(new[] { 102f }, withEmbedding.Embedding);
        Assert.Null(withEmbedding.FeatureMap);
        Assert.Equal(new[] { 3f, 3f }, withMap.FeatureMap);
        Assert.Null(withMap.Embedding);
        Assert.Equal(6f, withMap.Output[0]);
    }

    [Fact]
    public async Task An_output_the_model_lacks_is_refused_and_its_rows_given_back()
    {
        await using var batcher = new DynamicBatcher(new ScoresOnlyModel(), new BatchingOptions());

        Assert.Throws<ArgumentException>(() => batcher.RunManyAsync([batcher.RentRow()], ExtraOutputs.Embedding));
        Assert.Equal(0, batcher.Statistics.QueueLength);
    }

    /// <summary>A model with only scores: the interface's defaults.</summary>
    private sealed class ScoresOnlyModel : IBatchSession
    {
        public int InputLength => 1;
        public int OutputLength => 1;
        public void Run(Memory<float> input, int rows, Span<float> output) => output.Clear();
    }
}
