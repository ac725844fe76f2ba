using ResNetService.Inference.Batching;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Serving;

/// <summary>
/// What every caller of a loaded version may ask before and besides its work: is it ready, what model is it, how busy
/// is it, and the cheap refusals a request gets before its body is read.
/// </summary>
public interface IModelAdmission
{
    /// <summary>True once the model is loaded and its warm-up batch has run.</summary>
    bool IsReady { get; }

    /// <summary>The loaded model. Throws <see cref="ModelNotReadyException"/> before <see cref="IsReady"/>.</summary>
    ModelInfo Info { get; }

    InferenceStatistics Statistics { get; }

    /// <summary>
    /// Refuses at once when the queue has no room for <paramref name="images"/> images right now, so that a request can
    /// be refused before its body is read or decoded: rejection under overload then costs next to nothing. A hint only
    /// (the room may be taken meanwhile); the classify and infer calls decide.
    /// </summary>
    /// <exception cref="OverloadedException">No room now (counted as overload).</exception>
    /// <exception cref="TooManyRowsException">More images than the model's queue can ever hold.</exception>
    /// <exception cref="ModelNotReadyException">The model is still loading, or was unloaded because the service is stopping.</exception>
    void EnsureRoom(int images);

    /// <summary>Refuses at once what the model cannot give (<see cref="OutputUnavailableException"/>), before a request is read.</summary>
    void EnsureOutputs(ExtraOutputs extras);
}
