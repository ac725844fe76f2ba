using System.Text.Json;
using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>Two Dockerfile linters from npm (installed by the test when missing): dockerfile-utils and dockerfilelint.</summary>
public sealed class DockerfileLintTests
{
    private static readonly string Dockerfile = Repository.PathOf("Dockerfile");

    [Fact]
    public void Dockerfile_utils_finds_no_problem()
    {
        var lint = Tool.Run(ValidatorTools.NodeTool("dockerfile-utils"), ["lint", Dockerfile]);

        Assert.True(lint.ExitCode == 0 && lint.Output.Trim().Length == 0, lint.ToString());
    }

    [Fact]
    public void Dockerfile_utils_reports_a_broken_dockerfile()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("resnet-lint-").FullName, "Dockerfile");
        File.WriteAllText(broken, File.ReadAllText(Dockerfile).Replace("EXPOSE 8080", "EXPOSE http"));

        var lint = Tool.Run(ValidatorTools.NodeTool("dockerfile-utils"), ["lint", broken]);

        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains("EXPOSE http", lint.Output);
    }

    /// <summary>
    /// dockerfilelint predates multi-stage builds and misreads two things, which are the only reports allowed:
    /// a FROM naming an earlier stage (or an ARG) looks to it like an image without a tag, and its HEALTHCHECK flag
    /// pattern stops at the hyphen of --start-period. Anything else it reports fails the test.
    /// </summary>
    [Fact]
    public void Dockerfilelint_reports_nothing_but_its_known_misreadings()
    {
        var model = DockerfileModel.Load(Dockerfile);
        var lint = Tool.Run(ValidatorTools.NodeTool("dockerfilelint"), ["--json", Dockerfile]);
        using var report = JsonDocument.Parse(lint.Output);

        var issues = report.RootElement.GetProperty("files")[0].GetProperty("issues").EnumerateArray()
            .Select(issue => (Line: int.Parse(issue.GetProperty("line").GetString()!), Title: issue.GetProperty("title").GetString()!))
            .ToList();

        Assert.All(issues, issue =>
        {
            var instruction = model.Instructions.Single(i => i.Line == issue.Line);
            var understood = issue.Title switch
            {
                "Base Image Missing Tag" => instruction.Keyword == "FROM" &&
                    (model.Stages.Contains(instruction.Words[0]) || instruction.Words[0].Contains("${")),
                "Invalid Argument Format" => instruction.Keyword == "HEALTHCHECK" && instruction.Arguments.Contains("--start-period="),
                _ => false,
            };
            Assert.True(understood, $"dockerfilelint: line {issue.Line}: {issue.Title}: {instruction.Keyword} {instruction.Arguments}");
        });
    }

    [Fact]
    public void Dockerfilelint_reports_a_missing_apt_cache_cleanup()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("resnet-lint-").FullName, "Dockerfile");
        File.WriteAllText(broken, File.ReadAllText(Dockerfile).Replace(" \\\n && rm -rf /var/lib/apt/lists/*", ""));

        var lint = Tool.Run(ValidatorTools.NodeTool("dockerfilelint"), ["--json", broken]);

        Assert.Contains("apt-get update with matching cache rm", lint.Output);
    }
}
