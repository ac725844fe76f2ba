using System.Runtime.ExceptionServices;

namespace ResNetService.Trainer.Data;

/// <summary>Decodes/resizes images on every core, and reports a failure as the exception itself rather than an AggregateException.</summary>
internal static class ParallelLoad
{
    public static void For(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
