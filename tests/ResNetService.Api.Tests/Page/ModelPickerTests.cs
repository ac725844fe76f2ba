using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ResNetService.Api.Classification;
using ResNetService.Api.Embeddings;
using ResNetService.Api.Models;
using ResNetService.Api.Tests.Support;
using ResNetService.Onnx.ModelFile;
using static Microsoft.Playwright.Assertions;
using static ResNetService.Api.Tests.Page.PageProbes;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The page's model picker on a service with a repository (<see cref="RepositoryPageFixture"/>): it lists every ready
/// version that <c>GET /models</c> lists, the default model first; the chosen model and version describe themselves and
/// answer the page's pictures exactly as their own routes answer; and one taken away while chosen is said so, and leaves the list.
/// </summary>
public sealed class ModelPickerTests(RepositoryPageFixture fixture) : IClassFixture<RepositoryPageFixture>
{
    private const string Letters1 = $"/models/{RepositoryPageFixture.Letters}/versions/1";
    private const string Letters2 = $"/models/{RepositoryPageFixture.Letters}/versions/2";
    private const string Int8 = $"/models/{RepositoryPageFixture.Int8}/versions/1";

    [Fact]
    public async Task The_picker_lists_every_ready_version_of_the_api_with_the_default_model_first_and_chosen()
    {
        var listed = (await fixture.Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!;
        var expected = listed.Models
            .SelectMany(model => model.Versions.Where(v => v.State == "ready").OrderByDescending(v => v.Version).Select(v => $"{model.Name}/{v.Version}"))
            .ToArray();
        Assert.Equal($"{fixture.Model.Name}/1", expected[0]);
        Assert.Contains($"{RepositoryPageFixture.Letters}/1", expected);
        Assert.Contains($"{RepositoryPageFixture.Int8}/1", expected);
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await Expect(page.Locator("#model-select option")).ToHaveCountAsync(expected.Length);
        var shown = await page.Locator("#model-select option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");

        Assert.Equal(expected, shown);
        await Expect(page.Locator("#model-select")).ToHaveValueAsync(expected[0]);
        await Expect(page.Locator("#model-select option").First).ToHaveTextAsync($"{fixture.Model.Name}, version 1 (default)");
        await Expect(page.Locator("#model-select")).ToBeEnabledAsync();
        await Expect(Field(page, "name")).ToHaveTextAsync(fixture.Model.Name);
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task A_chosen_older_version_describes_itself_and_classifies_and_explains_as_its_own_routes_answer()
    {
        var image = TestImages.Png(7);
        var answer = await ClassifyAsync(fixture.Client, image, Letters1);
        var latest = await ClassifyAsync(fixture.Client, image, Letters2);
        var heatmap = await ExplainAsync(fixture.Client, image, prefix: Letters1);
        Assert.NotEqual(Probabilities(latest), Probabilities(answer)); // so the page cannot pass by asking the latest version
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await page.Locator("#model-select").SelectOptionAsync($"{RepositoryPageFixture.Letters}/1");

        await Expect(Field(page, "name")).ToHaveTextAsync(RepositoryPageFixture.Letters);
        await Expect(Field(page, "version")).ToHaveTextAsync("1");
        await Expect(Field(page, "precision")).ToHaveTextAsync(ModelPrecision.Fp32);
        await Expect(Field(page, "classes")).ToHaveTextAsync("26: a, b, c, d, e, f, g, h, i, j and 16 more");
        await Expect(page.Locator("#model-link")).ToHaveAttributeAsync("href", Letters1.TrimStart('/'));

        await UploadAsync(page, image);

        await ExpectPredictionsAsync(page, answer);
        await Expect(page.Locator("#heatmap-caption")).ToHaveTextAsync(Caption(answer.Predictions[0].Label));
        Assert.True(await NaturalWidthAsync(page, "#heatmap") > 0);
        Assert.Equal(heatmap, await ShownBytesAsync(page, "#heatmap"));
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Choosing_the_int8_model_shows_its_precision_and_classifies_the_shown_picture_again_with_it()
    {
        var image = TestImages.Jpeg(8);
        var byDefault = await ClassifyAsync(fixture.Client, image);
        var answer = await ClassifyAsync(fixture.Client, image, Int8);
        var info = (await fixture.Client.GetFromJsonAsync<ModelInfoResponse>(Int8, Requests.Json))!;
        Assert.Equal(ModelPrecision.Int8, info.Precision);
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await UploadAsync(page, image, "picture.jpg", "image/jpeg");
        await ExpectPredictionsAsync(page, byDefault);

        await page.Locator("#model-select").SelectOptionAsync($"{RepositoryPageFixture.Int8}/1");

        await Expect(Field(page, "precision")).ToHaveTextAsync(ModelPrecision.Int8 + info.Quantization!.Scheme);
        await Expect(Field(page, "precision").Locator("small")).ToHaveTextAsync(info.Quantization.Scheme!);
        await Expect(Field(page, "classes")).ToHaveTextAsync($"3: {string.Join(", ", RepositoryPageFixture.Int8Labels)}");
        await ExpectPredictionsAsync(page, answer);
        await Expect(page.Locator("#preview-caption")).ToHaveTextAsync("picture.jpg");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task The_embedding_panel_shows_the_chosen_version_embedding_and_offers_its_values_for_download()
    {
        var image = TestImages.Png(10);
        var answer = await EmbedAsync(fixture.Client, image, Letters1);
        var byDefault = await EmbedAsync(fixture.Client, image);
        var latest = await EmbedAsync(fixture.Client, image, Letters2);
        Assert.NotEqual(byDefault.Embedding, answer.Embedding); // so the page cannot pass by asking another model
        Assert.NotEqual(latest.Embedding, answer.Embedding);
        var positive = answer.Embedding.Count(value => value > 0);
        Assert.InRange(positive, 1, answer.Dimensions - 1); // a count the page could get wrong either way
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await page.Locator("#model-select").SelectOptionAsync($"{RepositoryPageFixture.Letters}/1");
        await Expect(Field(page, "version")).ToHaveTextAsync("1");
        await UploadAsync(page, image);

        await Expect(page.Locator("#embedding-dimensions")).ToHaveTextAsync(answer.Dimensions.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#embedding-positive")).ToHaveTextAsync(positive.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#embedding-strip")).ToBeVisibleAsync();
        await Expect(page.Locator("#embedding-strip")).ToHaveAttributeAsync("aria-label", new Regex($"{answer.Dimensions} values"));
        await Expect(page.Locator("#embedding-download")).ToHaveAttributeAsync("download", $"embedding-{RepositoryPageFixture.Letters}-v1.json");
        var saved = JsonSerializer.Deserialize<EmbeddingResponse>(await LinkedTextAsync(page, "#embedding-download"), Requests.Json)!;
        Assert.Equal(RepositoryPageFixture.Letters, saved.Model);
        Assert.Equal(answer.Dimensions, saved.Dimensions);
        Assert.True(saved.Normalized);
        Assert.Equal(answer.Embedding.Count, saved.Embedding.Count);
        for (var i = 0; i < answer.Embedding.Count; i++)
        {
            Assert.Equal(answer.Embedding[i], saved.Embedding[i], 1e-6);
        }

        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task A_model_without_an_embedding_says_why_in_the_embedding_panel_and_still_shows_its_guesses()
    {
        const string prefix = $"/models/{RepositoryPageFixture.NoEmbedding}/versions/1";
        var image = TestImages.Png(11);
        var answer = await ClassifyAsync(fixture.Client, image, prefix);
        using var refused = await fixture.Client.PostAsync(prefix + "/embed?normalize=true", Requests.Multipart("image", image));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.ReadProblemAsync();
        Assert.EndsWith(":output-unavailable", problem.Type);
        await using var session = await fixture.OpenAsync();
        var page = session.Page;

        await page.Locator("#model-select").SelectOptionAsync($"{RepositoryPageFixture.NoEmbedding}/1");
        await Expect(Field(page, "name")).ToHaveTextAsync(RepositoryPageFixture.NoEmbedding);
        await UploadAsync(page, image);

        await Expect(page.Locator("#embedding-note")).ToHaveTextAsync($"{problem.Title}: {problem.Detail}");
        await ExpectPredictionsAsync(page, answer);
        await Expect(page.Locator("#embedding-facts")).ToBeHiddenAsync();
        await Expect(page.Locator("#embedding-download")).ToBeHiddenAsync();
        await Expect(page.Locator("#error")).ToBeHiddenAsync(); // the page itself did not fail
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task A_model_unloaded_while_chosen_shows_the_api_problem_and_a_notice_and_leaves_the_list()
    {
        var spare = RepositoryPageFixture.Spare;
        using (var loaded = await fixture.Client.SendAsync(fixture.Control($"/v2/repository/models/{spare}/load")))
        {
            await Requests.EnsureSuccessAsync(loaded);
        }

        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await page.Locator("#model-select").SelectOptionAsync($"{spare}/1");
        await Expect(Field(page, "name")).ToHaveTextAsync(spare);

        using (var unloaded = await fixture.Client.SendAsync(fixture.Control($"/v2/repository/models/{spare}/unload")))
        {
            await Requests.EnsureSuccessAsync(unloaded);
        }

        using var refused = await fixture.Client.PostAsync($"/models/{spare}/versions/1/classify", Requests.Multipart("image", TestImages.Png(9)));
        Assert.True(refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}");
        var problem = await refused.ReadProblemAsync();

        await UploadAsync(page, TestImages.Png(9));

        await Expect(page.Locator("#error-title")).ToHaveTextAsync(problem.Title!);
        await Expect(page.Locator("#error-detail")).ToHaveTextAsync(problem.Detail!);
        await Expect(page.Locator("#error-hint")).ToContainTextAsync("list of models was refreshed");
        await Expect(page.Locator("#model-notice")).ToHaveTextAsync(
            $"“{spare}” version 1 is no longer served; now using “{fixture.Model.Name}” version 1.");
        await Expect(page.Locator($"#model-select option[value='{spare}/1']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#model-select")).ToHaveValueAsync($"{fixture.Model.Name}/1");
        await Expect(Field(page, "name")).ToHaveTextAsync(fixture.Model.Name);
        await Expect(page.Locator("#status")).ToBeEmptyAsync();
        await Expect(page.Locator("#results")).ToBeHiddenAsync();
        Assert.Empty(session.ScriptErrors);
    }

    /// <summary>The page's guesses are the API's: the same labels in order, each with the very probability answered.</summary>
    private static async Task ExpectPredictionsAsync(IPage page, ClassificationResponse answer)
    {
        await Expect(page.Locator("#predictions .bar-label")).ToHaveTextAsync(answer.Predictions.Select(p => p.Label).ToArray());
        var bars = page.Locator("#predictions .bar");
        for (var i = 0; i < answer.Predictions.Count; i++)
        {
            var expected = answer.Predictions[i];
            var shown = double.Parse((await bars.Nth(i).GetAttributeAsync("data-probability"))!, CultureInfo.InvariantCulture);
            Assert.Equal(expected.Probability, shown, 1e-6);
            var percent = double.Parse((await bars.Nth(i).Locator(".bar-value").TextContentAsync())!.TrimEnd('%'), CultureInfo.InvariantCulture);
            Assert.Equal(expected.Probability * 100, percent, 0.051); // the page rounds to a tenth of a percent at most
        }
    }

    private static float[] Probabilities(ClassificationResponse answer) => [.. answer.Predictions.Select(p => p.Probability)];
}
