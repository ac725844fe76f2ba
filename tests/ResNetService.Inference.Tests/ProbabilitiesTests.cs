using ResNetService.Inference.Classification;

namespace ResNetService.Inference.Tests;

public class ProbabilitiesTests
{
    [Fact]
    public void Softmax_matches_the_definition_and_survives_large_logits()
    {
        float[] logits = [1f, 2f, 3f];
        float[] large = [1001f, 1002f, 1003f];
        var probabilities = new float[3];
        var fromLarge = new float[3];

        Probabilities.Softmax(logits, probabilities);
        Probabilities.Softmax(large, fromLarge);

        var sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Math.Exp(i + 1) / sum, probabilities[i], 1e-6);
            Assert.Equal(probabilities[i], fromLarge[i], 1e-6);
        }
    }

    [Fact]
    public void TopK_ranks_highest_first_and_clamps_k()
    {
        float[] values = [0.1f, 0.5f, 0.05f, 0.3f, 0.05f];

        Assert.Equal([1, 3, 0], Probabilities.TopK(values, 3));
        Assert.Equal([1, 3, 0, 2, 4], Probabilities.TopK(values, 10));
        Assert.Equal([1], Probabilities.TopK(values, 1));
    }

    [Fact]
    public void TopK_agrees_with_sorting_on_random_rows()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 50; trial++)
        {
            var values = Enumerable.Range(0, 100).Select(_ => random.NextSingle()).ToArray();
            var expected = values.Select((v, i) => (v, i)).OrderByDescending(p => p.v).ThenBy(p => p.i).Take(7).Select(p => p.i);

            Assert.Equal(expected, Probabilities.TopK(values, 7));
        }
    }
}
