using ResNetService.Onnx.ResNet;

namespace ResNetService.Onnx.Tests;

public class ResNetParametersTests
{
    [Theory]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("resnet34", 21_797_672)]
    [InlineData("resnet50", 25_557_032)]
    [InlineData("resnet101", 44_549_160)]
    [InlineData("resnet152", 60_192_808)]
    public void Trainable_count_at_1000_classes_equals_torchvision(string name, long torchvisionCount)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 1000);

        Assert.Equal(torchvisionCount, ResNetParameters.TrainableCount(config));
    }
}
