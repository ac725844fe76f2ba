using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests.Docs;

/// <summary>
/// The documentation's relative links and anchors lead somewhere: the README, the guides in docs/ and every other
/// Markdown file of the repository, checked with GitHub's heading anchors.
/// </summary>
public sealed class MarkdownLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_in_the_repositorys_markdown_resolves()
    {
        var files = MarkdownLinkChecker.MarkdownFiles(Repository.Root).Select(file => Path.GetRelativePath(Repository.Root, file)).ToList();
        // The check must have read the documentation, not passed on an empty folder.
        Assert.Contains("README.md", files);
        Assert.Contains(Path.Combine("docs", "serving.md"), files);
        Assert.DoesNotContain(files, file => file.Split(Path.DirectorySeparatorChar).Contains("node_modules"));
        var links = files.Sum(file => MarkdownLinkChecker.RelativeLinks(MarkdownLinkChecker.Parse(Path.Combine(Repository.Root, file))).Count());
        Assert.True(links > 50, $"Only {links} relative links were found in {files.Count} files.");

        var broken = MarkdownLinkChecker.Check(Repository.Root);

        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void A_broken_file_link_and_a_broken_anchor_are_reported_with_their_file_and_line()
    {
        var root = Directory.CreateTempSubdirectory("resnet-docs-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "guide"));
            File.WriteAllText(Path.Combine(root, "guide", "target.md"), """
                # Target

                ## Memory: what fits in a limit

                ## Examples

                ## Examples
                """);
            File.WriteAllText(Path.Combine(root, "README.md"), """
                # Front page

                Good: [a guide](guide/target.md), [a heading](guide/target.md#memory-what-fits-in-a-limit),
                [the second Examples](guide/target.md#examples-1), [a folder](guide), [here](#front-page).

                Broken: [a file](guide/missing.md) and
                [an anchor](guide/target.md#examples-2), [here](#nowhere).

                | In a table | [a file](guide/gone.md) |
                | --- | --- |
                """);
            // Build output is skipped: its copies of the docs are not the docs.
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            File.WriteAllText(Path.Combine(root, "bin", "copy.md"), "[a file](missing.md)");

            var broken = MarkdownLinkChecker.Check(root);

            Assert.Equal(
                [
                    new BrokenLink("README.md", 6, "guide/missing.md", "no file or folder guide/missing.md"),
                    new BrokenLink("README.md", 7, "guide/target.md#examples-2", "no heading with the anchor #examples-2 in guide/target.md"),
                    new BrokenLink("README.md", 7, "#nowhere", "no heading with the anchor #nowhere in this file"),
                    new BrokenLink("README.md", 9, "guide/gone.md", "no file or folder guide/gone.md"),
                ],
                broken);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("Memory: what fits in a limit", "memory-what-fits-in-a-limit")]
    [InlineData("The int8 model (model-int8)", "the-int8-model-model-int8")]
    [InlineData("Libraries, and why", "libraries-and-why")]
    [InlineData("gRPC (2026-12-06)", "grpc-2026-12-06")]
    [InlineData("Open Inference Protocol (V2)", "open-inference-protocol-v2")]
    [InlineData("snake_case and-dash", "snake_case-and-dash")]
    [InlineData("Where it's  said", "where-its--said")]
    public void Slugs_follow_githubs_rules(string heading, string slug) =>
        Assert.Equal(slug, HeadingAnchors.Slug(heading));

    [Fact]
    public void A_code_span_in_a_heading_counts_as_its_text()
    {
        var root = Directory.CreateTempSubdirectory("resnet-docs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "card.md"), "## The int8 model (`model-int8`)\n\n[it](#the-int8-model-model-int8) [not](#the-int8-model-)\n");

            var broken = Assert.Single(MarkdownLinkChecker.Check(root));

            Assert.Equal("#the-int8-model-", broken.Url);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
