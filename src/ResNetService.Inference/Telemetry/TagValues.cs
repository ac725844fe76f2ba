using System.Collections.Frozen;
using System.Text;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// Tag values for enum members: the name in snake_case (<c>QueueFull</c> → <c>queue_full</c>), computed once per type.
/// A value outside the enum becomes <c>other</c>, so a tag built from an enum can never take more values than it has members.
/// </summary>
public static class TagValues
{
    public const string Other = "other";

    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Cache<TEnum>.Values.GetValueOrDefault(value, Other);

    internal static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> Values =
            Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(value => value, value => SnakeCase(value.ToString()));
    }
}
