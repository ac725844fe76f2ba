using System.Runtime.InteropServices;
using TorchSharp;

namespace ResNetService.Trainer.Native;

/// <summary>
/// The one place that loads libtorch and sets its process-wide switches. TorchSharp loads its native libraries
/// lazily, on the first tensor; calling <see cref="EnsureLoaded"/> first makes a load failure surface early.
/// The entry points call it (each command that uses torch, and the tests' module initializer), not the network,
/// so that a switch such as <see cref="DisableOneDnnVariable"/> is in force before the first tensor exists.
/// </summary>
public static class TorchRuntime
{
    /// <summary>Set to 1 (or true) to run libtorch without oneDNN and NNPACK, as <see cref="DisableOneDnn"/> does.</summary>
    public const string DisableOneDnnVariable = "RESNET_TRAINER_DISABLE_ONEDNN";

    private const string LibTorchCpu = "libtorch_cpu.so";
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>Loads libtorch (once) and applies <see cref="DisableOneDnnVariable"/> when it is set.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }

            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // TorchSharp's own message blames a missing package even when the system libstdc++ is too old.
                throw new InvalidOperationException(
                    "libtorch could not be loaded. If libLibTorchSharp.so reports a missing GLIBCXX version, build with " +
                    $"Native/LibTorchSharpVersionFix.targets imported (see that file). Cause: {exception.Message}", exception);
            }

            _loaded = true;
        }

        if (Environment.GetEnvironmentVariable(DisableOneDnnVariable) is "1" or "true" or "True" or "TRUE")
        {
            DisableOneDnn();
        }
    }

    /// <summary>Whether libtorch will use oneDNN (MKL-DNN) for convolutions.</summary>
    public static bool OneDnnEnabled
    {
        get
        {
            EnsureLoaded();
            return UserEnabledMkldnn(GlobalContext());
        }
    }

    /// <summary>
    /// Turns off oneDNN and NNPACK for the whole process (at::globalContext().setUserEnabledMkldnn(false) and the
    /// NNPACK twin). For machines where oneDNN still crashes; it costs about 4x in training speed on CPU.
    /// NNPACK goes too, because without oneDNN libtorch would otherwise try it and fill stderr with warnings.
    /// </summary>
    public static void DisableOneDnn()
    {
        EnsureLoaded();
        SetOneDnn(false);
    }

    /// <summary>Switches oneDNN and NNPACK on or off; tests use it to restore the default.</summary>
    internal static void SetOneDnn(bool enabled)
    {
        var context = GlobalContext();
        SetUserEnabledMkldnn(context, enabled);
        SetUserEnabledNnpack(context, enabled);
    }

    // libtorch's C++ API, reached by mangled name: TorchSharp exposes neither switch.
    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(LibTorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
