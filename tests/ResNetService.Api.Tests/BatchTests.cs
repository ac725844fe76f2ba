using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResNetService.Api.Classification;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class BatchTests(ServiceFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_corrupt_member_gets_its_own_problem_and_the_others_their_answers()
    {
        byte[][] images = [TestImages.Png(10), TestImages.Truncated(TestImages.Jpeg(11)), TestImages.Webp(12), TestImages.Garbage()];

        using var response = await Client.PostAsync(Requests.ClassifyUri(TestModel.Labels.Length, "/classify/batch"),
            Requests.Multipart("images", images));
        await Requests.EnsureSuccessAsync(response);
        var json = await response.Content.ReadAsStringAsync();
        var answer = JsonSerializer.Deserialize<BatchClassificationResponse>(json, Requests.Json)!;

        // Each item carries either predictions or a problem, never both fields.
        var items = JsonDocument.Parse(json).RootElement.GetProperty("results");
        Assert.False(items[0].TryGetProperty("problem", out _));
        Assert.False(items[1].TryGetProperty("predictions", out _));
        Assert.Equal("test-model", answer.Model);
        Assert.Equal(4, answer.Count);
        Assert.Equal(2, answer.Succeeded);
        Assert.Equal([0, 1, 2, 3], answer.Results.Select(r => r.Index));
        foreach (var bad in new[] { answer.Results[1], answer.Results[3] })
        {
            Assert.Null(bad.Predictions);
            Assert.Equal(ProblemKinds.NotAnImage.Type, bad.Problem?.Type);
            Assert.Equal(400, bad.Problem?.Status);
            Assert.True(bad.Problem?.Extensions.ContainsKey("requestId"));
        }

        foreach (var good in new[] { answer.Results[0], answer.Results[2] })
        {
            Assert.Null(good.Problem);
            var single = await Client.ClassifyAsync(images[good.Index], TestModel.Labels.Length);
            Assert.Equal(single.Predictions.Select(p => p.Index), good.Predictions!.Select(p => p.Index));
            Assert.Equal(single.Predictions.Select(p => p.Probability), good.Predictions!.Select(p => p.Probability),
                EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) < 1e-5f, v => 0));
        }
    }

    [Fact]
    public async Task The_configured_number_of_files_is_accepted()
    {
        var images = Enumerable.Range(20, ServiceFactory.MaxFilesPerBatch).Select(TestImages.Png).ToArray();

        using var response = await Client.PostAsync("/classify/batch?top=2", Requests.Multipart("images", images));
        await Requests.EnsureSuccessAsync(response);
        var answer = (await response.Content.ReadFromJsonAsync<BatchClassificationResponse>(Requests.Json))!;

        Assert.Equal(ServiceFactory.MaxFilesPerBatch, answer.Succeeded);
        Assert.All(answer.Results, r => Assert.Equal(2, r.Predictions!.Count));
    }

    [Theory]
    [InlineData(ServiceFactory.MaxFilesPerBatch + 1)]
    [InlineData(ServiceFactory.MaxFilesPerBatch * 10)]
    public async Task More_files_than_allowed_are_refused(int count)
    {
        var images = Enumerable.Range(30, count).Select(TestImages.Png).ToArray();

        using var response = await Client.PostAsync("/classify/batch", Requests.Multipart("images", images));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemKinds.TooManyFiles.Type, (await response.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task A_form_without_the_images_field_is_missing_images()
    {
        using var response = await Client.PostAsync("/classify/batch", Requests.Multipart("image", TestImages.Png(40)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemKinds.MissingImage.Type, (await response.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task A_raw_body_is_not_a_batch()
    {
        using var response = await Client.PostAsync("/classify/batch", Requests.RawBody(TestImages.Png(41)));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ProblemKinds.UnsupportedMediaType.Type, (await response.ReadProblemAsync()).Type);
    }
}
