using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Tests.Telemetry;

/// <summary>Tag values from enums: snake_case names, and a closed set even for values outside the enum.</summary>
public sealed class TagValuesTests
{
    [Fact]
    public void Every_image_problem_has_its_snake_case_name()
    {
        Assert.Equal(
            ["not_an_image", "corrupt", "unsupported_format", "too_many_pixels", "too_many_bytes"],
            Enum.GetValues<ImageProblem>().Select(problem => TagValues.Of(problem)));
    }

    [Fact]
    public void An_overload_reason_is_its_snake_case_name()
    {
        Assert.Equal("queue_full", TagValues.Of(OverloadReason.QueueFull));
    }

    [Fact]
    public void A_value_outside_the_enum_is_other()
    {
        Assert.Equal(TagValues.Other, TagValues.Of((ImageProblem)999));
    }
}
