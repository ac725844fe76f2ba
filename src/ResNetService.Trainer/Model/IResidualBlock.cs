using TorchSharp.Modules;

namespace ResNetService.Trainer.Model;

/// <summary>What the network needs to know of a block after building it.</summary>
public interface IResidualBlock
{
    /// <summary>Whether the shortcut is a projection ("downsample": 1x1 conv + batch norm) rather than identity.</summary>
    bool HasProjection { get; }

    /// <summary>The batch norm whose output the shortcut is added to (zero-initialised on request).</summary>
    BatchNorm2d LastNorm { get; }
}
