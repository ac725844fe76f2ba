using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Embeddings;
using ResNetService.Api.Models;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Features;

[Collection(ServiceTestCollection.Name)]
public sealed class EmbedTests(ServiceFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private async Task<EmbeddingResponse> EmbedAsync(byte[] image, string query = "")
    {
        using var response = await Client.PostAsync("/embed" + query, Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<EmbeddingResponse>(Requests.Json))!;
    }

    [Fact]
    public async Task One_image_gets_its_pooled_embedding_and_model_info_says_where_it_comes_from()
    {
        var answer = await EmbedAsync(TestImages.Png(1));
        var info = (await Client.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;

        Assert.Equal("test-model", answer.Model);
        Assert.Equal(512, answer.Dimensions); // ResNet-18's last stage
        Assert.Equal(512, answer.Embedding.Count);
        Assert.False(answer.Normalized);
        Assert.All(answer.Embedding, value => Assert.True(value >= 0)); // the mean of a ReLU's output
        Assert.Equal([-1L, 512], info.Features.Embedding!.Shape);
        Assert.Equal([-1L, 512, 2, 2], info.Features.FeatureMap!.Shape);
        Assert.False(info.Features.Declared);
        Assert.True(info.Features.Explanations);
    }

    [Fact]
    public async Task Normalised_embeddings_have_unit_length_and_the_raw_ones_direction()
    {
        var image = TestImages.Jpeg(2);

        var raw = await EmbedAsync(image);
        var unit = await EmbedAsync(image, "?normalize=true");

        var length = Math.Sqrt(raw.Embedding.Sum(v => (double)v * v));
        Assert.True(unit.Normalized);
        Assert.Equal(1.0, Math.Sqrt(unit.Embedding.Sum(v => (double)v * v)), 1e-4);
        Assert.Equal(raw.Embedding.Select(v => v / length), unit.Embedding.Select(v => (double)v), new ToleranceComparer(1e-4));
    }

    [Fact]
    public async Task A_batch_gets_one_embedding_per_image_and_a_problem_for_a_bad_one()
    {
        var (first, second) = (TestImages.Png(3), TestImages.Png(4));

        using var response = await Client.PostAsync("/embed/batch", Requests.Multipart("images", first, TestImages.Garbage(), second));
        await Requests.EnsureSuccessAsync(response);
        var answer = (await response.Content.ReadFromJsonAsync<BatchEmbeddingResponse>(Requests.Json))!;

        Assert.Equal((3, 2, 512), (answer.Count, answer.Succeeded, answer.Dimensions));
        Assert.Equal(ProblemKinds.NotAnImage.Type, answer.Results[1].Problem!.Type);
        Assert.Null(answer.Results[1].Embedding);
        Assert.Equal((await EmbedAsync(first)).Embedding, answer.Results[0].Embedding!, new ToleranceComparer(1e-5));
        Assert.Equal((await EmbedAsync(second)).Embedding, answer.Results[2].Embedding!, new ToleranceComparer(1e-5));
    }

    [Theory]
    [InlineData("?normalize=maybe")]
    [InlineData("?normalize=")]
    public async Task A_bad_normalize_is_a_bad_parameter(string query)
    {
        using var response = await Client.PostAsync("/embed" + query, Requests.Multipart("image", TestImages.Png(1)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemKinds.BadParameter.Type, (await response.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task Bad_images_get_the_same_problems_as_classify()
    {
        using var garbage = await Client.PostAsync("/embed", Requests.Multipart("image", TestImages.Garbage()));
        using var truncated = await Client.PostAsync("/embed", Requests.RawBody(TestImages.Truncated(TestImages.Png(5))));
        using var huge = await Client.PostAsync("/embed", Requests.RawBody(TestImages.PngHeaderOnly(30_000, 30_000)));
        using var empty = await Client.PostAsync("/embed", Requests.RawBody([], "image/png"));
        using var text = await Client.PostAsync("/embed", new StringContent("hello"));

        Assert.Equal(ProblemKinds.NotAnImage.Type, (await garbage.ReadProblemAsync()).Type);
        Assert.Equal(ProblemKinds.NotAnImage.Type, (await truncated.ReadProblemAsync()).Type);
        Assert.Equal(ProblemKinds.TooManyPixels.Type, (await huge.ReadProblemAsync()).Type);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    /// <summary>Floats (or doubles) equal within an absolute tolerance.</summary>
    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>, IEqualityComparer<double>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
        public int GetHashCode(double obj) => 0;
    }
}
