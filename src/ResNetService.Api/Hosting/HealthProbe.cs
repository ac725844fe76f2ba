namespace ResNetService.Api.Hosting;

/// <summary>
/// <c>dotnet ResNetService.Api.dll --health-probe URL</c>: one GET, exit code 0 on a 2xx answer, 1 otherwise.
/// The container's HEALTHCHECK uses it because the .NET runtime images carry no curl or wget, and the service's own
/// binary is there in every image (CPU and GPU alike). It returns before any host is built, so it starts quickly.
/// </summary>
public static class HealthProbe
{
    public const string Switch = "--health-probe";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Switch;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 || !Uri.TryCreate(args[1], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"usage: {Switch} http://HOST:PORT/PATH");
            return 2;
        }

        try
        {
            using var client = new HttpClient { Timeout = Timeout };
            using var response = await client.GetAsync(url);
            Console.WriteLine($"{url} answered {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{url} did not answer: {error.Message}");
            return 1;
        }
    }
}
