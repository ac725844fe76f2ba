using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Classification;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;
using SkiaSharp;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class ClassifyTests(ServiceFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public async Task Raw_body_of_each_format_is_classified_with_softmax_probabilities(SKEncodedImageFormat format, string contentType)
    {
        using var response = await Client.PostAsync(
            Requests.ClassifyUri(TestModel.Labels.Length), Requests.RawBody(TestImages.Draw(1, format), contentType));
        await Requests.EnsureSuccessAsync(response);
        var answer = (await response.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!;

        Assert.Equal("test-model", answer.Model);
        Assert.Equal(TestModel.Labels.Length, answer.Predictions.Count);
        Assert.Equal(1.0, answer.Predictions.Sum(p => p.Probability), 3);
        Assert.Equal(answer.Predictions.OrderByDescending(p => p.Probability), answer.Predictions);
        Assert.All(answer.Predictions, p => Assert.Equal(TestModel.Labels[p.Index], p.Label));
        Assert.Equal(Enumerable.Range(0, TestModel.Labels.Length), answer.Predictions.Select(p => p.Index).Order());
        Assert.True(answer.BatchSize >= 1);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public async Task Octet_stream_is_recognised_from_its_bytes_and_answered_like_the_image_type(SKEncodedImageFormat format, string contentType)
    {
        var image = TestImages.Draw(4, format);

        using var typed = await Client.PostAsync(Requests.ClassifyUri(3), Requests.RawBody(image, contentType));
        using var octets = await Client.PostAsync(Requests.ClassifyUri(3), Requests.RawBody(image, "application/octet-stream"));
        await Requests.EnsureSuccessAsync(typed);
        await Requests.EnsureSuccessAsync(octets);
        var expected = (await typed.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!;
        var answer = (await octets.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!;

        Assert.Equal(expected.Predictions.Select(p => p.Index), answer.Predictions.Select(p => p.Index));
        Assert.Equal(expected.Predictions.Select(p => p.Probability), answer.Predictions.Select(p => p.Probability), FloatComparer);
    }

    [Fact]
    public async Task Multipart_and_raw_body_give_the_same_answer()
    {
        var image = TestImages.Jpeg(2);

        var raw = await Client.ClassifyAsync(image, top: 3);
        using var response = await Client.PostAsync(Requests.ClassifyUri(3), Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        var multipart = (await response.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!;

        Assert.Equal(raw.Predictions.Select(p => p.Index), multipart.Predictions.Select(p => p.Index));
        Assert.Equal(raw.Predictions.Select(p => p.Probability), multipart.Predictions.Select(p => p.Probability), FloatComparer);
    }

    [Fact]
    public async Task Top_defaults_to_five_limited_by_the_class_count()
    {
        var answer = await Client.ClassifyAsync(TestImages.Png(3));
        Assert.Equal(Math.Min(TopK.Default, TestModel.Labels.Length), answer.Predictions.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task Top_between_one_and_the_class_count_gives_that_many_best_first(int top)
    {
        var all = await Client.ClassifyAsync(TestImages.Png(4), TestModel.Labels.Length);
        var answer = await Client.ClassifyAsync(TestImages.Png(4), top);

        Assert.Equal(all.Predictions.Take(top).Select(p => p.Index), answer.Predictions.Select(p => p.Index));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public async Task Top_out_of_range_or_not_a_number_is_a_bad_parameter(string top)
    {
        foreach (var path in new[] { "/classify", "/classify/batch" })
        {
            using var content = path == "/classify"
                ? Requests.RawBody(TestImages.Png(5))
                : Requests.Multipart("images", TestImages.Png(5));
            using var response = await Client.PostAsync($"{path}?top={top}", content);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ReadProblemAsync();
            Assert.Equal(ProblemKinds.BadParameter.Type, problem.Type);
            Assert.Contains("top", problem.Detail);
        }
    }

    private static readonly IEqualityComparer<float> FloatComparer =
        EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) < 1e-5f, v => 0);
}
