using ResNetService.Trainer.Tests.Architecture.CycleFixture.Right;

namespace ResNetService.Trainer.Tests.Architecture.CycleFixture.Left;

/// <summary>Half of a deliberate namespace cycle for the cycle finder's test: uses the right side in a field.</summary>
public sealed class LeftNeighbour
{
    public RightNeighbour? Neighbour { get; set; }
}
