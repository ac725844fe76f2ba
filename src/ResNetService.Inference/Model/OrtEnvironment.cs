using Microsoft.ML.OnnxRuntime;

namespace ResNetService.Inference.Model;

/// <summary>
/// ONNX Runtime's process-wide environment. The service creates it with global thread pools that every session
/// shares: with one pool per session, several models on a few cores would each spin up a full set of threads and
/// fight over the cores. The environment can be created only once, before anything else touches ONNX Runtime.
/// </summary>
public static class OrtEnvironment
{
    private static readonly Lock Gate = new();

    // One model run at a time on the CPU: a run already uses every core through the shared pool, and two at once only
    // interleave their work (each run's own thread computes too) and finish later than one after the other.
    private static readonly SemaphoreSlim CpuRuns = new(1, 1);
    private static bool? _shared;

    /// <summary>Whether sessions loaded from now on use the shared pools (else each has its own, as ONNX Runtime's default).</summary>
    public static bool SharedThreadPools => _shared == true;

    /// <summary>
    /// Creates the environment with shared pools of <paramref name="intraOpThreads"/> and <paramref name="interOpThreads"/>
    /// threads (null: ONNX Runtime's choice, one per core). Returns false when ONNX Runtime was already started in this
    /// process (a test host, a benchmark's own session): sessions then keep per-session pools. Only the first call decides.
    /// </summary>
    public static bool UseSharedThreadPools(int? intraOpThreads, int? interOpThreads)
    {
        lock (Gate)
        {
            if (_shared is { } decided)
            {
                return decided;
            }

            _shared = false;
            if (OrtEnv.IsCreated)
            {
                return false;
            }

            using var threading = new OrtThreadingOptions
            {
                GlobalIntraOpNumThreads = intraOpThreads ?? 0,
                GlobalInterOpNumThreads = interOpThreads ?? 0,
                GlobalSpinControl = false, // idle workers sleep: spinning ones would take the cores requests decode images on
            };
            var options = new EnvironmentCreationOptions { threadOptions = threading };
            try
            {
                OrtEnv.CreateInstanceWithOptions(ref options);
                _shared = true;
            }
            catch (OnnxRuntimeException)
            {
                // Created by someone else between the check and here: per-session pools, as decided above.
            }

            return _shared.Value;
        }
    }

    /// <summary>
    /// Whether a session made now uses the shared pools. Called before a session is made: when nobody has asked for
    /// shared pools yet, ONNX Runtime is started here with per-session pools, under the same lock as
    /// <see cref="UseSharedThreadPools"/>. Otherwise a session loaded on another thread (a test's, a benchmark's) could
    /// start ONNX Runtime between that method's check and its creating the environment, which then silently keeps the
    /// first environment, and sessions would ask for shared pools that do not exist.
    /// </summary>
    public static bool SessionsShareThreadPools()
    {
        lock (Gate)
        {
            if (_shared is null)
            {
                _shared = false;
                _ = OrtEnv.Instance();
            }

            return _shared.Value;
        }
    }

    /// <summary>Waits until no other model runs on the CPU; dispose the result when the run is done.</summary>
    public static IDisposable TakeCpuTurn()
    {
        CpuRuns.Wait();
        return new CpuTurn();
    }

    private sealed class CpuTurn : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                CpuRuns.Release();
            }
        }
    }
}
