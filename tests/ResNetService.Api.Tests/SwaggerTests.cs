using System.Net;
using System.Text.Json;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class SwaggerTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Swagger_json_lists_the_endpoints_with_file_uploads()
    {
        using var response = await fixture.Client.GetAsync("/swagger/v1/swagger.json");
        await Requests.EnsureSuccessAsync(response);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");

        var classify = paths.GetProperty("/classify").GetProperty("post");
        var content = classify.GetProperty("requestBody").GetProperty("content");
        var image = content.GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("image");
        Assert.Equal("binary", image.GetProperty("format").GetString());
        Assert.Equal("binary", content.GetProperty("image/*").GetProperty("schema").GetProperty("format").GetString());
        Assert.Equal("binary", content.GetProperty("application/octet-stream").GetProperty("schema").GetProperty("format").GetString());
        Assert.Contains(classify.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "top");

        var batch = paths.GetProperty("/classify/batch").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        var images = batch.GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("images");
        Assert.Equal("array", images.GetProperty("type").GetString());
        Assert.Equal("binary", images.GetProperty("items").GetProperty("format").GetString());

        Assert.True(paths.GetProperty("/model").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await fixture.Client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
