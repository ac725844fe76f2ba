namespace ResNetService.Api.Tests.Docs;

/// <summary>The comparison the documented-request test relies on fails where a document would mislead a reader.</summary>
public sealed class ShownAnswerTests
{
    private const string Shown = """{"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99970925}],"decodeMs":1.15,"batchSize":1}""";

    [Fact]
    public void The_same_answer_with_other_timings_and_spacing_matches()
    {
        Assert.Null(ShownAnswer.Mismatch(Shown, """{"model": "model", "predictions":[{"label":"Ankle boot","index":9,"probability":0.99970931}],"decodeMs":37.2,"batchSize":1}"""));
    }

    [Theory]
    [InlineData("""{"model":"model","predictions":[{"label":"Sneaker","index":9,"probability":0.99970925}],"decodeMs":1.15,"batchSize":1}""")]
    [InlineData("""{"model":"model","predictions":[{"label":"Ankle boot","index":7,"probability":0.99970925}],"decodeMs":1.15,"batchSize":1}""")]
    [InlineData("""{"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.9995}],"decodeMs":1.15,"batchSize":1}""")]
    [InlineData("""{"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99970925}],"decodeMs":1.15,"batchSize":2}""")]
    [InlineData("""{"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99970925}],"decodeMs":1.15}""")]
    [InlineData("""{"model":"model","predictions":[{"label":"Ankle boot","index":9,"probability":0.99970925}],"decodeMs":1.15,"batchSize":1,"extra":0}""")]
    public void A_different_label_index_probability_or_field_does_not(string printed)
    {
        Assert.NotNull(ShownAnswer.Mismatch(Shown, printed));
    }

    [Fact]
    public void An_ellipsis_in_the_shown_answer_stands_for_what_was_left_out()
    {
        const string abridged = """{"embedding":[0,0.5, ... ,0.25,1],"dimensions":6}""";

        Assert.Null(ShownAnswer.Mismatch(abridged, """{"embedding":[0,0.5,0.75,0.125,0.25,1],"dimensions":6}"""));
        Assert.NotNull(ShownAnswer.Mismatch(abridged, """{"embedding":[0,0.5,0.75,0.125,0.25,1],"dimensions":7}"""));
        Assert.NotNull(ShownAnswer.Mismatch(abridged, """{"embedding":[0,0.6,0.75,0.125,0.25,1],"dimensions":6}"""));
    }
}
