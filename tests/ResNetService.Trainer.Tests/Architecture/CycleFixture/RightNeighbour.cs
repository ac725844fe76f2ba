using ResNetService.Trainer.Tests.Architecture.CycleFixture.Left;

namespace ResNetService.Trainer.Tests.Architecture.CycleFixture.Right;

/// <summary>The other half: uses the left side only inside a method body, so only its IL makes the edge.</summary>
public sealed class RightNeighbour
{
    public static int HashOfANewLeft() => new LeftNeighbour().GetHashCode();
}
