using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Explanations;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;
using SkiaSharp;

namespace ResNetService.Api.Tests.Features;

[Collection(ServiceTestCollection.Name)]
public sealed class ExplainTests(ServiceFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private async Task<ExplanationResponse> ExplainJsonAsync(byte[] image, string query = "")
    {
        using var response = await Client.PostAsync("/explain?format=json" + query, Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ExplanationResponse>(Requests.Json))!;
    }

    [Fact]
    public async Task A_png_heatmap_of_the_top_class_is_laid_over_the_image()
    {
        var image = TestImages.Png(7);
        var top = (await Client.ClassifyAsync(image, top: 1)).Predictions[0];

        using var response = await Client.PostAsync("/explain", Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        using var png = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((224, 224), (png.Width, png.Height));
        Assert.Equal(top.Index.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues(ExplainEndpoints.ClassIndexHeader).Single());
        Assert.Equal(top.Probability, float.Parse(response.Headers.GetValues(ExplainEndpoints.ProbabilityHeader).Single(), CultureInfo.InvariantCulture), 1e-5f);
    }

    [Fact]
    public async Task The_json_map_has_the_feature_maps_size_and_each_class_its_own_probability()
    {
        var image = TestImages.Jpeg(8);
        var all = (await Client.ClassifyAsync(image, top: TestModel.Labels.Length)).Predictions;

        var top = await ExplainJsonAsync(image);
        var maps = new List<ExplanationResponse>();
        for (var c = 0; c < TestModel.Labels.Length; c++)
        {
            maps.Add(await ExplainJsonAsync(image, $"&class={c}"));
        }

        Assert.Equal(all[0].Index, top.ClassIndex);
        Assert.Equal(TestModel.Labels[top.ClassIndex], top.Label);
        Assert.Equal((2, 2), (top.Width, top.Height));
        Assert.Equal(2, top.Map.Count);
        Assert.All(top.Map, row => Assert.Equal(2, row.Length));
        Assert.Equal(top.Map.SelectMany(r => r).Min(), top.Min);
        // Each explained class comes with the probability /classify gives it for the same image.
        Assert.All(maps, map => Assert.Equal(all.Single(p => p.Index == map.ClassIndex).Probability, map.Probability, 1e-5f));
    }

    [Fact]
    public async Task A_class_can_be_named_by_its_label()
    {
        var image = TestImages.Png(9);

        var byIndex = await ExplainJsonAsync(image, "&class=2");
        var byLabel = await ExplainJsonAsync(image, "&class=TRIANGLE");

        Assert.Equal(2, byLabel.ClassIndex);
        Assert.Equal(byIndex.Map, byLabel.Map);
    }

    [Theory]
    [InlineData("?class=5", "unknown-class")]
    [InlineData("?class=-1", "unknown-class")]
    [InlineData("?class=hexagon", "unknown-class")]
    [InlineData("?class=", "unknown-class")]
    [InlineData("?format=gif", "bad-parameter")]
    public async Task Unknown_classes_and_formats_are_refused_before_the_image_is_read(string query, string kind)
    {
        using var response = await Client.PostAsync("/explain" + query, Requests.Multipart("image", TestImages.Png(1)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.EndsWith(kind, problem.Type);
        Assert.DoesNotContain("   at ", problem.Detail);
    }

    [Fact]
    public async Task Bad_images_get_the_same_problems_as_classify()
    {
        using var garbage = await Client.PostAsync("/explain", Requests.Multipart("image", TestImages.Garbage()));
        using var huge = await Client.PostAsync("/explain", Requests.RawBody(TestImages.PngHeaderOnly(30_000, 30_000)));
        using var missing = await Client.PostAsync("/explain", Requests.Multipart("other", TestImages.Png(1)));

        Assert.Equal(ProblemKinds.NotAnImage.Type, (await garbage.ReadProblemAsync()).Type);
        Assert.Equal(ProblemKinds.TooManyPixels.Type, (await huge.ReadProblemAsync()).Type);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }
}
