using System.Net;
using ResNetService.Api.Tests.Overload;
using ResNetService.Api.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static ResNetService.Api.Tests.Page.PageProbes;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The page on a service whose model is held at a gate (<see cref="GatedService"/>): with the queue full, a picture
/// gets the API's 503 problem and when to try again, and the page is left waiting on nothing.
/// </summary>
public sealed class OverloadedPageTests(OverloadedPageTests.GatedPageFixture fixture) : IClassFixture<OverloadedPageTests.GatedPageFixture>
{
    public sealed class GatedPageFixture : PageFixture
    {
        public GatedService Gated => (GatedService)Service;

        protected override ServiceFactory CreateService() => new GatedService(Model.Path);
    }

    [Fact]
    public async Task A_503_from_a_full_queue_shows_the_api_problem_and_when_to_try_again()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await Expect(page.Locator("#model-select")).ToHaveValueAsync($"{fixture.Model.Name}/1");
        var held = await CheapRejectionTests.FillAsync(fixture.Gated, fixture.Client, queued: GatedService.Capacity);
        try
        {
            using var refused = await fixture.Client.PostAsync($"/models/{fixture.Model.Name}/versions/1/classify", Requests.Multipart("image", TestImages.Png(3)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var problem = await refused.ReadProblemAsync();
            var seconds = (int)GatedService.RetryAfter.TotalSeconds;

            await UploadAsync(page, TestImages.Png(3));

            await Expect(page.Locator("#error-title")).ToHaveTextAsync(problem.Title!);
            await Expect(page.Locator("#error-detail")).ToHaveTextAsync(problem.Detail!);
            await Expect(page.Locator("#error-hint")).ToHaveTextAsync($"Try again in {seconds} seconds.");
            await Expect(page.Locator("#status")).ToBeEmptyAsync();
            await Expect(page.Locator("#results")).ToBeHiddenAsync();
            await Expect(page.Locator("#model-notice")).ToBeHiddenAsync(); // a busy model is still there
            Assert.Empty(session.ScriptErrors);
        }
        finally
        {
            await CheapRejectionTests.ReleaseAsync(fixture.Gated, held);
        }
    }
}
