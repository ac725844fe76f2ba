using System.Runtime.CompilerServices;
using ResNetService.Trainer.Native;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>
/// Loads libtorch once, before any test makes a tensor, as the trainer's commands do; tests that build networks or
/// read data directly never pass through a command.
/// </summary>
internal static class LibTorch
{
    [ModuleInitializer]
    internal static void Load() => TorchRuntime.EnsureLoaded();
}
