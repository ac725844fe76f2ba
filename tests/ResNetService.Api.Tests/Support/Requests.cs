using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using ResNetService.Api.Classification;

namespace ResNetService.Api.Tests.Support;

/// <summary>How tests talk to the service: the two upload styles, and typed answers.</summary>
public static class Requests
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static HttpContent RawBody(byte[] bytes, string? contentType = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static MultipartFormDataContent Multipart(string field, params byte[][] files)
    {
        var content = new MultipartFormDataContent();
        for (var i = 0; i < files.Length; i++)
        {
            var file = new ByteArrayContent(files[i]);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(file, field, $"image-{i}.bin");
        }

        return content;
    }

    public static async Task<ClassificationResponse> ClassifyAsync(this HttpClient client, byte[] image, int? top = null)
    {
        using var response = await client.PostAsync(ClassifyUri(top), RawBody(image));
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ClassificationResponse>(Json))!;
    }

    public static string ClassifyUri(int? top = null, string path = "/classify") => top is null ? path : $"{path}?top={top}";

    public static async Task<ProblemDetails> ReadProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ProblemDetails>(Json))!;
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
