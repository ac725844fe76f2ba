namespace ResNetService.Api.Shutdown;

/// <summary>Counts the requests being answered, so that a shutdown can say how many it drained and how many it cut off.</summary>
public sealed class RequestsInFlight
{
    private long _running;
    private long _finished;

    public long Running => Interlocked.Read(ref _running);

    /// <summary>Requests answered since start.</summary>
    public long Finished => Interlocked.Read(ref _finished);

    public async Task TrackAsync(HttpContext httpContext, RequestDelegate next)
    {
        Interlocked.Increment(ref _running);
        try
        {
            await next(httpContext);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _finished);
        }
    }
}

/// <summary>Puts the counting first in the pipeline, around everything Program.cs adds.</summary>
internal sealed class RequestsInFlightStartupFilter(RequestsInFlight requests) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((httpContext, nextMiddleware) => requests.TrackAsync(httpContext, nextMiddleware));
        next(app);
    };
}
