using ResNetService.Trainer.Tests.Architecture.CycleFixture.Left;
using ResNetService.Trainer.Tests.Architecture.CycleFixture.Right;

namespace ResNetService.Trainer.Tests.Architecture;

/// <summary>The cycle finder finds cycles: in this assembly's own fixture namespaces, and in made-up graphs.</summary>
public sealed class NamespaceDependenciesTests
{
    private const string Left = "ResNetService.Trainer.Tests.Architecture.CycleFixture.Left";
    private const string Right = "ResNetService.Trainer.Tests.Architecture.CycleFixture.Right";

    [Fact]
    public void Finds_two_namespaces_that_use_each_other_and_names_a_type_of_each_edge()
    {
        var edges = NamespaceDependencies.Read(typeof(LeftNeighbour).Assembly.Location);

        var pair = Assert.Single(NamespaceDependencies.MutualPairs(edges), p => p.There.From == Left);
        Assert.Equal(new NamespaceEdge(Left, Right, typeof(LeftNeighbour).FullName!, typeof(RightNeighbour).FullName!), pair.There);
        Assert.Equal(new NamespaceEdge(Right, Left, typeof(RightNeighbour).FullName!, typeof(LeftNeighbour).FullName!), pair.Back);
    }

    [Fact]
    public void A_one_way_use_is_an_edge_and_no_cycle()
    {
        var edges = NamespaceDependencies.Read(typeof(LeftNeighbour).Assembly.Location);

        Assert.Contains(edges, e => e.From == "ResNetService.Trainer.Tests.Architecture" && e.To == Left);
        Assert.DoesNotContain(edges, e => e.From == Left && e.To == "ResNetService.Trainer.Tests.Architecture");
    }

    [Fact]
    public void Finds_a_loop_through_three_namespaces_and_not_the_namespace_that_only_enters_it()
    {
        NamespaceEdge[] edges = [Edge("A", "B"), Edge("B", "C"), Edge("C", "A"), Edge("D", "A"), Edge("C", "E")];

        var loop = Assert.Single(NamespaceDependencies.LongerCycles(edges));

        Assert.Equal([Edge("A", "B"), Edge("B", "C"), Edge("C", "A")], loop);
        Assert.Empty(NamespaceDependencies.MutualPairs(edges));
    }

    [Fact]
    public void A_graph_that_only_flows_one_way_has_no_cycles()
    {
        NamespaceEdge[] edges = [Edge("A", "B"), Edge("B", "C"), Edge("A", "C"), Edge("D", "A")];

        Assert.Empty(NamespaceDependencies.LongerCycles(edges));
        Assert.Empty(NamespaceDependencies.MutualPairs(edges));
    }

    private static NamespaceEdge Edge(string from, string to) => new(from, to, from + ".T", to + ".T");
}
