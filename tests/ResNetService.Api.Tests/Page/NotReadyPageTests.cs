using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Models;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Repository;
using ResNetService.Api.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static ResNetService.Api.Tests.Page.PageProbes;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The page on a service whose only model never becomes ready (<see cref="NotReadyService"/>): the page says no model is
/// ready, shows the API's 503 problem for a picture, and reads the model list again once, not in a loop.
/// </summary>
public sealed class NotReadyPageTests(NotReadyPageTests.NotReadyPageFixture fixture) : IClassFixture<NotReadyPageTests.NotReadyPageFixture>
{
    public sealed class NotReadyPageFixture : PageFixture
    {
        protected override ServiceFactory CreateService() => new NotReadyService(Model.Path);

        /// <summary>Never ready: waits until the default model's version is listed, so that every answer is the final one.</summary>
        protected override Task WaitUntilServingAsync() => RepositoryService.WaitUntilAsync(async () =>
        {
            var listed = await Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json);
            return listed!.Models.Any(model => model.Default && model.Versions.Count > 0);
        });
    }

    [Fact]
    public async Task With_no_model_ready_the_page_says_so_and_a_picture_gets_the_api_503_problem()
    {
        using var refused = await fixture.Client.PostAsync("/classify", Requests.Multipart("image", TestImages.Png(2)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = await refused.ReadProblemAsync();
        Assert.Equal(ProblemKinds.NotReady.Type, problem.Type);
        using var described = await fixture.Client.GetAsync("/model");
        var modelProblem = await described.ReadProblemAsync();
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        var listReads = 0;
        page.Request += (_, request) => listReads += new Uri(request.Url).AbsolutePath == "/models" ? 1 : 0;

        await Expect(page.Locator("#model-notice")).ToHaveTextAsync("No model is ready yet.");
        await Expect(page.Locator("#model-select")).ToBeDisabledAsync();
        await Expect(page.Locator("#model-status")).ToHaveTextAsync($"{modelProblem.Title}: {modelProblem.Detail}");

        await UploadAsync(page, TestImages.Png(2));

        await Expect(page.Locator("#error-title")).ToHaveTextAsync(problem.Title!);
        await Expect(page.Locator("#error-detail")).ToHaveTextAsync(problem.Detail!);
        await Expect(page.Locator("#error-hint")).ToContainTextAsync("list of models was refreshed");
        await Expect(page.Locator("#status")).ToBeEmptyAsync();
        await Expect(page.Locator("#results")).ToBeHiddenAsync();
        Assert.InRange(listReads, 0, 1); // the refresh after the refusal; describing the default model does not read the list again
        Assert.Empty(session.ScriptErrors);
    }
}
