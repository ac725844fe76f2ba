using System.Security.Cryptography;
using System.Text.Json;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class ModelInfoTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Model_info_describes_the_served_file_its_preprocessing_and_where_it_runs()
    {
        using var response = await fixture.Client.GetAsync("/model");
        await Requests.EnsureSuccessAsync(response);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var model = document.RootElement;

        Assert.Equal("test-model", model.GetProperty("name").GetString());
        Assert.Equal("test-model.onnx", model.GetProperty("file").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(fixture.Model.Path))),
            model.GetProperty("sha256").GetString()?.ToLowerInvariant());
        Assert.Equal("resnet18", model.GetProperty("architecture").GetString());
        Assert.Equal(TestModel.Dataset, model.GetProperty("dataset").GetString());
        Assert.Equal(17, model.GetProperty("opset").GetInt64());

        var input = model.GetProperty("input");
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal([-1L, 3, TestModel.ImageSize, TestModel.ImageSize], Longs(input.GetProperty("shape")));
        Assert.Equal([-1L, TestModel.Labels.Length], Longs(model.GetProperty("output").GetProperty("shape")));
        Assert.Equal("logits", model.GetProperty("outputKind").GetString());

        var preprocessing = model.GetProperty("preprocessing");
        Assert.Equal(TestModel.ImageSize, preprocessing.GetProperty("imageSize").GetInt32());
        Assert.Equal("direct", preprocessing.GetProperty("resizeMode").GetString());
        Assert.Equal([0.5f, 0.5f, 0.5f], preprocessing.GetProperty("mean").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal([0.25f, 0.25f, 0.25f], preprocessing.GetProperty("std").EnumerateArray().Select(v => v.GetSingle()));

        Assert.Equal(TestModel.Labels.Length, model.GetProperty("classes").GetInt32());
        Assert.Equal(TestModel.Labels, model.GetProperty("labels").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("metadata", model.GetProperty("settingSources").GetProperty("labels").GetString());

        var provider = model.GetProperty("executionProvider");
        Assert.Equal("CPUExecutionProvider", provider.GetProperty("name").GetString());

        var batching = model.GetProperty("batching");
        Assert.Equal(ServiceFactory.MaxBatchSize, batching.GetProperty("maxBatchSize").GetInt32());
        Assert.Equal(5.0, batching.GetProperty("maxBatchDelayMs").GetDouble(), 3);
        Assert.Equal(ServiceFactory.QueueCapacity, batching.GetProperty("queueCapacity").GetInt32());

        Assert.True(model.TryGetProperty("loadTimeMs", out _));
        Assert.True(model.TryGetProperty("warmupTimeMs", out _));
    }

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt64()).ToArray();
}
