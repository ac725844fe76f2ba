using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using ResNetService.Api.Classification;
using ResNetService.Api.Tests.Support;
using ResNetService.TestSupport;
using static Microsoft.Playwright.Assertions;
using static ResNetService.Api.Tests.Page.PageProbes;

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
        var heatmap = await ExplainAsync(fixture.Client, image);
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
        var heatmap = await ExplainAsync(fixture.Client, image, second.Index);
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
        await Expect(page.Locator("#status")).ToBeEmptyAsync(); // nothing left saying it is still looking
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task A_file_over_the_upload_limit_shows_the_api_problem_title_and_detail()
    {
        var oversized = NoiseImages.Png(400); // about 480 KB of barely compressible pixels
        Assert.True(oversized.Length > ServiceFactory.MaxRequestBytes);
        // The service answers 413 before it reads the body and closes the connection: a client still sending would see a
        // broken pipe instead of the answer, so this one waits for the answer before sending (as browsers read it anyway).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = Requests.Multipart("image", oversized) };
        request.Headers.ExpectContinue = true;
        using var refused = await fixture.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var problem = await refused.ReadProblemAsync();
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await UploadAsync(page, oversized, "big.png");

        await Expect(page.Locator("#error-title")).ToHaveTextAsync(problem.Title!);
        await Expect(page.Locator("#error-detail")).ToHaveTextAsync(problem.Detail!);
        await Expect(page.Locator("#results")).ToBeHiddenAsync();
        await Expect(page.Locator("#status")).ToBeEmptyAsync();
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
        await Expect(Field(page, "version")).ToHaveTextAsync("1");
        await Expect(Field(page, "precision")).ToHaveTextAsync(model.GetProperty("precision").GetString()!);
        await Expect(Field(page, "architecture")).ToHaveTextAsync("resnet18");
        await Expect(Field(page, "dataset")).ToHaveTextAsync(TestModel.Dataset);
        await Expect(Field(page, "classes")).ToHaveTextAsync($"{TestModel.Labels.Length}: {string.Join(", ", TestModel.Labels)}");
        await Expect(Field(page, "inputSize")).ToContainTextAsync($"{TestModel.ImageSize} × {TestModel.ImageSize}");
        await Expect(Field(page, "executionProvider")).ToContainTextAsync(model.GetProperty("executionProvider").GetProperty("name").GetString()!);
        await Expect(Field(page, "testAccuracy")).ToHaveTextAsync("not recorded"); // the test model has no accuracy
        // The default model alone, and chosen: the picker lists what GET /models lists.
        await Expect(page.Locator("#model-select option")).ToHaveTextAsync([$"{fixture.Model.Name}, version 1 (default)"]);
        await Expect(page.Locator("#model-select")).ToHaveValueAsync($"{fixture.Model.Name}/1");
        Assert.Empty(session.ScriptErrors);
    }
}
