using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

/// <summary>Bad configuration stops the service at start with a message naming the setting.</summary>
[Collection(ServiceTestCollection.Name)]
public sealed class OptionsTests(ServiceFixture fixture)
{
    [Theory]
    [InlineData("Uploads:MaxFilesPerBatch", "0", "MaxFilesPerBatch")]
    [InlineData("Uploads:MaxRequestBytes", "10", "MaxRequestBytes")]
    [InlineData("Batching:MaxBatchSize", "0", "MaxBatchSize")]
    [InlineData("Model:Preprocessing:ResizeMode", "sideways", "ResizeMode")]
    public async Task An_invalid_option_stops_the_start(string key, string value, string named)
    {
        await using var factory = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(named, Flatten(error));
    }

    [Fact]
    public async Task A_missing_model_file_stops_the_start()
    {
        var missing = Path.Combine(fixture.Model.Folder, "no-such-model.onnx");
        await using var factory = new ServiceFactory(missing);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("no-such-model.onnx", Flatten(error));
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(e => e.Message))
            : error.Message + (error.InnerException is { } inner ? " | " + Flatten(inner) : "");
}
