using System.CommandLine;
using System.Globalization;

namespace ResNetService.Trainer.Cli;

/// <summary>Options that commands build alike: a choice among names, a count, a bounded number, an RGB triple.</summary>
public static class OptionFactory
{
    public static Option<string> Choice(string name, string defaultValue, string description, params string[] allowed)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    public static Option<int> Count(string name, int defaultValue, string description, int min = 1)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < min)
            {
                result.AddError($"{name} must be at least {min}.");
            }
        });
        return option;
    }

    public static Option<double> Number(string name, double defaultValue, string description, double min, double max, bool exclusiveMin = false)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (value < min || value > max || (exclusiveMin && value <= min))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {(exclusiveMin ? "above" : "at least")} {min}{(max < double.MaxValue ? $" and at most {max}" : "")}; got {value}."));
            }
        });
        return option;
    }

    /// <summary>Three comma-separated numbers, one per RGB channel.</summary>
    public static Option<float[]?> Triple(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            var parts = text.Split(',');
            var values = new float[parts.Length];
            if (parts.Length == 3 && parts.Select((p, i) => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
            {
                return values;
            }

            result.AddError($"{name} needs three comma-separated numbers, e.g. 0.5,0.5,0.5; got '{text}'.");
            return null;
        },
    };
}
