using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Embeddings;
using ResNetService.Api.Explanations;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Repository;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Features;

/// <summary>/embed and /explain on the models of a repository, by name and by version, as /classify is.</summary>
public sealed class ModelFeatureRoutesTests(RepositoryFixture fixture) : IClassFixture<RepositoryFixture>
{
    private HttpClient Client => fixture.Client;

    private async Task<T> PostAsync<T>(string path, byte[] image)
    {
        using var response = await Client.PostAsync(path, Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<T>(Requests.Json))!;
    }

    [Fact]
    public async Task Each_version_embeds_with_its_own_weights_and_the_latest_is_the_default()
    {
        var image = TestImages.Png(1);

        var version1 = await PostAsync<EmbeddingResponse>("/models/pairs/versions/1/embed", image);
        var version2 = await PostAsync<EmbeddingResponse>("/models/pairs/versions/2/embed", image);
        var latest = await PostAsync<EmbeddingResponse>("/models/pairs/embed", image);

        Assert.Equal("pairs", latest.Model);
        Assert.NotEqual(version1.Embedding, version2.Embedding);
        Assert.Equal(version2.Embedding, latest.Embedding);
    }

    [Fact]
    public async Task A_repository_model_explains_with_its_own_labels()
    {
        var answer = await PostAsync<ExplanationResponse>("/models/shapes/explain?format=json&class=square", TestImages.Png(2));

        Assert.Equal(("shapes", 1, "square"), (answer.Model, answer.ClassIndex, answer.Label));
    }

    [Theory]
    [InlineData("/models/nothing/embed")]
    [InlineData("/models/shapes/versions/9/explain")]
    public async Task Unknown_models_and_versions_are_not_found(string path)
    {
        using var response = await Client.PostAsync(path, Requests.Multipart("image", TestImages.Png(3)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemKinds.ModelNotFound.Type, (await response.ReadProblemAsync()).Type);
    }
}
