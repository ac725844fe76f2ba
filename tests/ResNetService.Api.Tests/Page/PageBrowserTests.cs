using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ResNetService.Api.Classification;
using ResNetService.Api.Tests.Support;
using SkiaSharp;
using static Microsoft.Playwright.Assertions;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The try-it page in a real browser (headless chromium): a person's upload through the file input or a drop shows
/// what the API answers for the same picture, the heatmap of <c>/explain</c>, the model's facts, and the API's own
/// problem title for a file that is no image.
/// </summary>
public sealed class PageBrowserTests(PageFixture fixture) : IClassFixture<PageFixture>
{
    [Fact]
    public async Task A_picture_chosen_in_the_file_input_shows_the_api_top_classes_and_a_heatmap_of_the_top_one()
    {
        var image = TestImages.Png(3);
        var answer = await fixture.Client.ClassifyAsync(image, top: TopK.Default);
        var heatmap = await ExplainAsync(image);
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await page.Locator("#image-input").SetInputFilesAsync(new FilePayload { Name = "shape.png", MimeType = "image/png", Buffer = image });

        await Expect(page.Locator("#predictions .bar-label")).ToHaveTextAsync(answer.Predictions.Select(p => p.Label).ToArray());
        await Expect(page.Locator("#predictions .bar").First).ToHaveAttributeAsync("data-index", answer.Predictions[0].Index.ToString());
        await Expect(page.Locator("#preview-caption")).ToHaveTextAsync("shape.png");
        Assert.Equal(48, await NaturalWidthAsync(page, "#preview"));
        await Expect(page.Locator("#heatmap-caption")).ToHaveTextAsync(Caption(answer.Predictions[0].Label));
        Assert.True(await NaturalWidthAsync(page, "#heatmap") > 0);
        Assert.Equal(heatmap, await ShownBytesAsync(page, "#heatmap")); // the very PNG the API answers for this picture
        await Expect(page.Locator("#predictions .bar").First).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#heatmap-legend")).ToBeVisibleAsync();
        await Expect(page.Locator("#heatmap-note")).ToBeHiddenAsync();

        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Selecting_another_guess_shows_the_heatmap_of_that_class()
    {
        var image = TestImages.Png(4);
        var answer = await fixture.Client.ClassifyAsync(image, top: TopK.Default);
        var second = answer.Predictions[1];
        var heatmap = await ExplainAsync(image, second.Index);
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await page.Locator("#image-input").SetInputFilesAsync(new FilePayload { Name = "shape.png", MimeType = "image/png", Buffer = image });
        await Expect(page.Locator("#predictions .bar")).ToHaveCountAsync(answer.Predictions.Count);

        await page.Locator("#predictions .bar").Nth(1).ClickAsync();

        await Expect(page.Locator("#predictions .bar").Nth(1)).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#predictions .bar").First).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("#heatmap-caption")).ToHaveTextAsync(Caption(second.Label));
        Assert.True(await NaturalWidthAsync(page, "#heatmap") > 0);
        Assert.Equal(heatmap, await ShownBytesAsync(page, "#heatmap"));

        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task A_picture_dropped_on_the_page_is_classified_as_the_api_classifies_it()
    {
        var image = TestImages.Jpeg(5);
        var answer = await fixture.Client.ClassifyAsync(image, top: TopK.Default);
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        // What a drop from the desktop hands the page: a DataTransfer holding the file.
        var transfer = await page.EvaluateHandleAsync(
            "bytes => { const t = new DataTransfer(); t.items.add(new File([new Uint8Array(bytes)], 'dropped.jpg', { type: 'image/jpeg' })); return t; }",
            image.Select(b => (int)b).ToArray());
        await page.Locator("#drop-zone").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });

        await Expect(page.Locator("#predictions .bar-label").First).ToHaveTextAsync(answer.Predictions[0].Label);
        await Expect(page.Locator("#preview-caption")).ToHaveTextAsync("dropped.jpg");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task A_file_that_is_no_image_shows_the_api_problem_title_and_detail()
    {
        var notAnImage = TestImages.Garbage();
        using var refused = await fixture.Client.PostAsync("/classify", Requests.Multipart("image", notAnImage));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.ReadProblemAsync();
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await page.Locator("#image-input").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = notAnImage });

        await Expect(page.Locator("#error")).ToBeVisibleAsync();
        await Expect(page.Locator("#error-title")).ToHaveTextAsync(problem.Title!);
        await Expect(page.Locator("#error-detail")).ToHaveTextAsync(problem.Detail!);
        await Expect(page.Locator("#results")).ToBeHiddenAsync();
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task The_page_shows_the_model_it_talks_to()
    {
        var model = await fixture.Client.GetFromJsonAsync<JsonElement>("/model");
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await Expect(page.Locator("#model-info")).ToBeVisibleAsync();
        await Expect(Field(page, "name")).ToHaveTextAsync(model.GetProperty("name").GetString()!);
        await Expect(Field(page, "architecture")).ToHaveTextAsync("resnet18");
        await Expect(Field(page, "dataset")).ToHaveTextAsync(TestModel.Dataset);
        await Expect(Field(page, "classes")).ToHaveTextAsync($"{TestModel.Labels.Length}: {string.Join(", ", TestModel.Labels)}");
        await Expect(Field(page, "inputSize")).ToContainTextAsync($"{TestModel.ImageSize} × {TestModel.ImageSize}");
        await Expect(Field(page, "executionProvider")).ToContainTextAsync(model.GetProperty("executionProvider").GetProperty("name").GetString()!);
        await Expect(Field(page, "testAccuracy")).ToHaveTextAsync("not recorded"); // the test model has no accuracy
        Assert.Empty(session.ScriptErrors);
    }

    /// <summary>The heatmap's caption names the class explained, then its probability.</summary>
    private static Regex Caption(string label) => new($"^Explained: {Regex.Escape(label)} \\(");

    private static ILocator Field(IPage page, string name) => page.Locator($"#model-info [data-field='{name}']");

    /// <summary>The width of an image the browser has loaded (0 while it has not), waiting until it is shown and loaded.</summary>
    private static async Task<int> NaturalWidthAsync(IPage page, string selector)
    {
        await page.WaitForFunctionAsync(
            "selector => { const img = document.querySelector(selector); return !img.hidden && img.complete && img.naturalWidth > 0; }",
            selector);
        return await page.Locator(selector).EvaluateAsync<int>("img => img.naturalWidth");
    }

    /// <summary>The bytes of the image an &lt;img&gt; shows (the object URL the page made of an answer).</summary>
    private static async Task<byte[]> ShownBytesAsync(IPage page, string selector)
    {
        var bytes = await page.Locator(selector).EvaluateAsync<int[]>(
            "async img => Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()))");
        return [.. bytes.Select(b => (byte)b)];
    }

    /// <summary>The heatmap PNG <c>POST /explain</c> answers for the image, asked directly.</summary>
    private async Task<byte[]> ExplainAsync(byte[] image, int? classIndex = null)
    {
        using var response = await fixture.Client.PostAsync(
            classIndex is null ? "/explain" : $"/explain?class={classIndex}", Requests.Multipart("image", image));

        await Requests.EnsureSuccessAsync(response);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        using var bitmap = SKBitmap.Decode(png);
        Assert.True(bitmap.Width > 0);
        return png;
    }
}
