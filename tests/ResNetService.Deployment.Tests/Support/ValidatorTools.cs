using ResNetService.TestSupport;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The validators the checks run, installed when missing, so that a check never passes by not running:
/// Debian's docker-compose (validates a compose file without a Docker engine) and promtool (package prometheus)
/// through apt-get, and two Dockerfile linters from the npm registry, pinned, into a folder beside the test binaries.
/// </summary>
public static class ValidatorTools
{
    public const string DockerfileLint = "dockerfilelint@1.8.0";
    public const string DockerfileUtils = "dockerfile-utils@0.16.3";

    private static readonly Lazy<string> NodeModulesBin = new(InstallNodeLinters);

    public static string DockerCompose => DebianPackages.Require("docker-compose", "docker-compose");

    /// <summary>Prometheus's own checker of configuration files and metrics expositions.</summary>
    public static string Promtool => DebianPackages.Require("promtool", "prometheus");

    public static string NodeTool(string name) => Path.Combine(NodeModulesBin.Value, name);

    private static string InstallNodeLinters()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "node-tools");
        var bin = Path.Combine(folder, "node_modules", ".bin");
        if (File.Exists(Path.Combine(bin, "dockerfilelint")) && File.Exists(Path.Combine(bin, "dockerfile-utils")))
        {
            return bin;
        }

        var npm = Tool.Find("npm") ?? throw new InvalidOperationException("npm is not on PATH: the Dockerfile linters need Node.js.");
        Directory.CreateDirectory(folder);
        var result = Tool.Run(
            npm, ["install", "--prefix", folder, "--no-audit", "--no-fund", "--no-save", DockerfileLint, DockerfileUtils],
            workingDirectory: folder, timeout: TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0 || !File.Exists(Path.Combine(bin, "dockerfilelint")))
        {
            throw new InvalidOperationException($"npm could not install the Dockerfile linters: {result}");
        }

        return bin;
    }
}
