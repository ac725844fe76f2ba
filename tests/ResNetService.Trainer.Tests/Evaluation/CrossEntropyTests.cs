using ResNetService.Trainer.Evaluation;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Evaluation;

public sealed class CrossEntropyTests
{
    [Fact]
    public void Equal_logits_cost_the_log_of_the_class_count()
    {
        Assert.Equal(Math.Log(6), CrossEntropy.Of([0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], 2), 12);
    }

    [Fact]
    public void Two_classes_cost_the_softplus_of_the_margin()
    {
        // -log(e^2 / (e^2 + e^0)) = log(1 + e^-2), and the wrong class costs log(1 + e^2).
        Assert.Equal(Math.Log(1 + Math.Exp(-2)), CrossEntropy.Of([2f, 0f], 0), 12);
        Assert.Equal(Math.Log(1 + Math.Exp(2)), CrossEntropy.Of([2f, 0f], 1), 12);
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        Assert.Equal(1000, CrossEntropy.Of([1000f, 0f], 1), 9);
        Assert.Equal(0, CrossEntropy.Of([1000f, 0f], 0), 9);
    }

    [Fact]
    public void Agrees_with_libtorchs_cross_entropy_on_random_logits()
    {
        using var scope = NewDisposeScope();
        var logits = randn([5, 7], generator: new Generator(11)) * 3;
        var labels = tensor(new long[] { 0, 6, 3, 3, 1 });

        var expected = nn.functional.cross_entropy(logits, labels).item<float>();
        var values = logits.data<float>().ToArray();
        var actual = Enumerable.Range(0, 5).Average(row => CrossEntropy.Of(values.AsSpan(row * 7, 7), (int)labels[row].item<long>()));

        Assert.Equal(expected, actual, 5);
    }
}
