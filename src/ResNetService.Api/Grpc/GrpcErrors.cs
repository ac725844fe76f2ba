using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ResNetService.Api.V2;
using ResNetService.Inference;
using ResNetService.Inference.Memory;

namespace ResNetService.Api.Grpc;

/// <summary>
/// Every failure of the gRPC service as a status code with the message REST V2 would give: NOT_FOUND for an unknown model
/// or version, INVALID_ARGUMENT for a malformed request or a bad image, RESOURCE_EXHAUSTED for a request over the
/// limits, UNAVAILABLE (with <c>google.rpc.RetryInfo</c> in the details) when overloaded, timed out in the queue or not
/// ready, INTERNAL (details only in the log) for anything unexpected. Expected refusals are logged at Debug, a
/// malformed request at Information.
/// </summary>
public sealed class GrpcErrors(ILogger<GrpcErrors> logger) : Interceptor
{
    private static readonly TimeSpan NotReadyRetry = TimeSpan.FromSeconds(5);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            throw Describe(exception, context);
        }
    }

    private RpcException Describe(Exception exception, ServerCallContext context)
    {
        var (code, message, retryAfter) = exception switch
        {
            V2Exception { Status: StatusCodes.Status404NotFound } notFound => (Code.NotFound, notFound.Message, (TimeSpan?)null),
            V2Exception { Status: StatusCodes.Status413PayloadTooLarge } tooLarge => (Code.ResourceExhausted, tooLarge.Message, null),
            V2Exception v2 => (Code.InvalidArgument, v2.Message, null),
            ModelNotFoundException notFound => (Code.NotFound, notFound.Message, null),
            ImageRejectedException rejected => (Code.InvalidArgument, rejected.Message, null),
            TooManyRowsException tooMany => (Code.InvalidArgument, tooMany.Message, null),
            MemoryBudgetExceededException tooHeavy => (Code.ResourceExhausted, tooHeavy.Message, null),
            OverloadedException overloaded => (Code.Unavailable, overloaded.Message, overloaded.RetryAfter),
            QueueTimeoutException timedOut => (Code.Unavailable, timedOut.Message, timedOut.RetryAfter),
            ModelNotReadyException notReady => (Code.Unavailable, notReady.Message, NotReadyRetry),
            _ => (Code.Internal, "The request could not be completed. Quote the request id when reporting this.", null),
        };
        if (code == Code.Internal)
        {
            logger.LogError(exception, "gRPC call {Method} failed unexpectedly", context.Method);
        }
        else
        {
            logger.Log(code == Code.Unavailable ? LogLevel.Debug : LogLevel.Information,
                "gRPC call {Method} answered {Code}: {Error}", context.Method, code, message);
        }

        return Status(code, message, retryAfter).ToRpcException();
    }

    /// <summary>The rich status of a refusal: its code and message, and <c>google.rpc.RetryInfo</c> when a retry may succeed.</summary>
    public static Google.Rpc.Status Status(Code code, string message, TimeSpan? retryAfter)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (retryAfter is { } delay)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
        }

        return status;
    }
}
