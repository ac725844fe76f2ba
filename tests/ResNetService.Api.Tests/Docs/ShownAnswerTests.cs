namespace ResNetService.Api.Tests.Docs;

/// <summary>The comparison of a shown answer with the real one finds what differs, and only that.</summary>
public sealed class ShownAnswerTests
{
    private const string Shown = """
        {"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99970925}],"decodeMs":1.1,"data":["0.99970925:9:Ankle boot"],"embedding":[0,0.5, ... ,0.25]}
        """;

    [Fact]
    public void The_same_answer_with_other_times_and_numbers_within_the_tolerance_agrees()
    {
        const string actual = """
            {"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99975}],"decodeMs":37.5,"data":["0.9997093:9:Ankle boot"],"embedding":[0,0.5,0.1,0.7,0.25]}
            """;

        Assert.Empty(ShownAnswer.Differences(Shown, actual));
    }

    [Theory]
    [InlineData("\"probability\":0.99970925", "\"probability\":0.9995", "$.predictions[0].probability")]
    [InlineData("\"index\":9", "\"index\":8", "$.predictions[0].index")]
    [InlineData("\"label\":\"Ankle boot\"", "\"label\":\"Sneaker\"", "$.predictions[0].label")]
    [InlineData("\"0.99970925:9:Ankle boot\"", "\"0.99970925:7:Sneaker\"", "$.data[0]")]
    [InlineData("\"0.99970925:9:Ankle boot\"", "\"0.9990:9:Ankle boot\"", "$.data[0]")]
    [InlineData("\"model\":\"model\",", "", "$.model")]
    [InlineData("\"model\":\"model\",", "\"model\":\"model\",\"extra\":1,", "$.extra")]
    [InlineData("[0,0.5,0.1,0.7,0.25]", "[0,0.6,0.1,0.7,0.25]", "$.embedding[1]")]
    [InlineData("[0,0.5,0.1,0.7,0.25]", "[0,0.5,0.1,0.7,0.3]", "$.embedding[^1]")]
    [InlineData("[0,0.5,0.1,0.7,0.25]", "[0,0.25]", "$.embedding")]
    public void A_difference_is_found_at_its_path(string inTheSameAnswer, string replacedBy, string path)
    {
        const string same = """
            {"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99970925}],"decodeMs":1.1,"data":["0.99970925:9:Ankle boot"],"embedding":[0,0.5,0.1,0.7,0.25]}
            """;
        Assert.Empty(ShownAnswer.Differences(Shown, same));

        var difference = Assert.Single(ShownAnswer.Differences(Shown, same.Replace(inTheSameAnswer, replacedBy)));

        Assert.StartsWith(path + ":", difference);
    }

    [Fact]
    public void An_array_of_another_length_differs_unless_it_is_shown_abridged()
    {
        var difference = Assert.Single(ShownAnswer.Differences("""{"outputs":[1,2]}""", """{"outputs":[1,2,3]}"""));

        Assert.Equal("$.outputs: 2 elements shown, 3 answered", difference);
    }

    [Fact]
    public void An_answer_that_is_no_json_differs()
    {
        var difference = Assert.Single(ShownAnswer.Differences(Shown, "curl: (7) Failed to connect"));

        Assert.StartsWith("the answer is no JSON", difference);
    }
}
