using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ResNetService.Api.Classification;
using ResNetService.Api.Embeddings;
using ResNetService.Api.Tests.Support;
using SkiaSharp;

namespace ResNetService.Api.Tests.Page;

/// <summary>What the page's tests do on the page and ask the API directly, for the answers the page must show.</summary>
internal static class PageProbes
{
    /// <summary>Chooses <paramref name="file"/> in the page's file input, as a person does.</summary>
    public static Task UploadAsync(IPage page, byte[] file, string name = "shape.png", string mimeType = "image/png") =>
        page.Locator("#image-input").SetInputFilesAsync(new FilePayload { Name = name, MimeType = mimeType, Buffer = file });

    /// <summary>The heatmap's caption names the class explained, then its probability.</summary>
    public static Regex Caption(string label) => new($"^Explained: {Regex.Escape(label)} \\(");

    public static ILocator Field(IPage page, string name) => page.Locator($"#model-info [data-field='{name}']");

    /// <summary>The width of an image the browser has loaded (0 while it has not), waiting until it is shown and loaded.</summary>
    public static async Task<int> NaturalWidthAsync(IPage page, string selector)
    {
        await page.WaitForFunctionAsync(
            "selector => { const img = document.querySelector(selector); return !img.hidden && img.complete && img.naturalWidth > 0; }",
            selector);
        return await page.Locator(selector).EvaluateAsync<int>("img => img.naturalWidth");
    }

    /// <summary>The bytes of the image an &lt;img&gt; shows (the object URL the page made of an answer).</summary>
    public static async Task<byte[]> ShownBytesAsync(IPage page, string selector)
    {
        var bytes = await page.Locator(selector).EvaluateAsync<int[]>(
            "async img => Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()))");
        return [.. bytes.Select(b => (byte)b)];
    }

    /// <summary>What <c>POST {prefix}/classify</c> answers for the image, asked directly, as the page asks (no <c>top</c>).</summary>
    public static async Task<ClassificationResponse> ClassifyAsync(HttpClient client, byte[] image, string prefix = "")
    {
        using var response = await client.PostAsync(prefix + "/classify", Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!;
    }

    /// <summary>What <c>POST {prefix}/embed?normalize=true</c> answers for the image, asked directly, as the page asks.</summary>
    public static async Task<EmbeddingResponse> EmbedAsync(HttpClient client, byte[] image, string prefix = "")
    {
        using var response = await client.PostAsync(prefix + "/embed?normalize=true", Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<EmbeddingResponse>(Requests.Json))!;
    }

    /// <summary>The text of the file a link offers for download (the object URL the page made), fetched in the page.</summary>
    public static Task<string> LinkedTextAsync(IPage page, string selector) =>
        page.Locator(selector).EvaluateAsync<string>("async link => await (await fetch(link.href)).text()");

    /// <summary>The heatmap PNG <c>POST {prefix}/explain</c> answers for the image, asked directly.</summary>
    public static async Task<byte[]> ExplainAsync(HttpClient client, byte[] image, int? classIndex = null, string prefix = "")
    {
        var route = prefix + "/explain";
        using var response = await client.PostAsync(
            classIndex is null ? route : $"{route}?class={classIndex}", Requests.Multipart("image", image));

        await Requests.EnsureSuccessAsync(response);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        using var bitmap = SKBitmap.Decode(png);
        Assert.True(bitmap.Width > 0);
        return png;
    }
}
