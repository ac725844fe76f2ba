using System.Text.Json;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
/// <param name="Line">1-based line where the instruction starts.</param>
/// <param name="Stage">Name of the stage it belongs to (the FROM's AS name), or null before the first FROM.</param>
public sealed record DockerInstruction(int Line, string Keyword, string Arguments, string? Stage)
{
    /// <summary>The words of the arguments, split on white space (enough for the flags and paths checked here).</summary>
    public string[] Words => Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The JSON array of an exec-form ENTRYPOINT, CMD or HEALTHCHECK CMD.</summary>
    public static string[] ExecForm(string arguments) =>
        JsonSerializer.Deserialize<string[]>(arguments) ?? throw new FormatException($"Not an exec form: {arguments}");
}

/// <summary>A Dockerfile read into instructions and stages: just enough parsing to compare it with the repository.</summary>
public sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<DockerInstruction> instructions) => Instructions = instructions;

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public static DockerfileModel Load(string path) => Parse(File.ReadAllLines(path));

    public static DockerfileModel Parse(IReadOnlyList<string> lines)
    {
        var instructions = new List<DockerInstruction>();
        string? stage = null;
        for (var index = 0; index < lines.Count; index++)
        {
            var text = lines[index].Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var start = index + 1;
            while (text.EndsWith('\\') && index + 1 < lines.Count)
            {
                var next = lines[++index].Trim();
                if (next.StartsWith('#'))
                {
                    continue; // Docker drops comment lines inside an instruction.
                }

                text = text[..^1].TrimEnd() + " " + next;
            }

            var split = text.IndexOf(' ');
            var keyword = (split < 0 ? text : text[..split]).ToUpperInvariant();
            var arguments = split < 0 ? "" : text[(split + 1)..].Trim();
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stage = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
            }

            instructions.Add(new DockerInstruction(start, keyword, arguments, stage));
        }

        return new DockerfileModel(instructions);
    }

    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public IEnumerable<DockerInstruction> InStage(string stage, string keyword) => All(keyword).Where(i => i.Stage == stage);

    /// <summary>Stage names in order.</summary>
    public IReadOnlyList<string> Stages => All("FROM").Select(i => i.Stage ?? "").ToList();

    /// <summary>What a stage is built FROM (an image or an earlier stage), as written.</summary>
    public string BaseOf(string stage) => InStage(stage, "FROM").Single().Words[0];

    /// <summary>The global ARG defaults (those before the first FROM).</summary>
    public IReadOnlyDictionary<string, string> GlobalArguments => Instructions
        .TakeWhile(i => i.Keyword != "FROM")
        .Where(i => i.Keyword == "ARG" && i.Arguments.Contains('='))
        .ToDictionary(i => i.Arguments[..i.Arguments.IndexOf('=')], i => i.Arguments[(i.Arguments.IndexOf('=') + 1)..]);

    /// <summary>
    /// The environment a stage's container starts with: the ENV of the stage and of the stages it is built on,
    /// with <c>${NAME}</c> in stage references replaced by the given build arguments.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(string stage, IReadOnlyDictionary<string, string> buildArguments)
    {
        var chain = new List<string>();
        for (var current = stage; Stages.Contains(current); current = Substitute(BaseOf(current), buildArguments))
        {
            chain.Insert(0, current);
        }

        var environment = new Dictionary<string, string>();
        foreach (var env in chain.SelectMany(s => InStage(s, "ENV")))
        {
            foreach (var pair in env.Words)
            {
                var equals = pair.IndexOf('=');
                environment[pair[..equals]] = pair[(equals + 1)..].Trim('"');
            }
        }

        return environment;
    }

    public static string Substitute(string text, IReadOnlyDictionary<string, string> arguments) =>
        arguments.Aggregate(text, (current, argument) => current.Replace("${" + argument.Key + "}", argument.Value));
}
