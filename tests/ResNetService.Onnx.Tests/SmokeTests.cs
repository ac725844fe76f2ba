using ResNetService.Onnx.ResNet;

namespace ResNetService.Onnx.Tests;

public class SmokeTests
{
    [Theory]
    [InlineData("resnet18", 32)]
    [InlineData("resnet50", 64)]
    public void Runs(string name, int size)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 7);
        using var runner = new OnnxRunner(RandomResNetModel.Create(config));
        var (values, shape) = runner.Run(TestImages.Batch(2, 3, size, 1), [2, 3, size, size]);
        Assert.Equal([2L, 7L], shape);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
    }
}
