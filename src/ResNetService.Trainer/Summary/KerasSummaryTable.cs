using System.Globalization;
using System.Text;
using ResNetService.Topology;

namespace ResNetService.Trainer.Summary;

/// <summary>
/// Prints a <see cref="ModelSummary"/> in Keras' own layout (summary --style keras): columns Layer (type), Output Shape,
/// Param # and Connected to, a rule between rows, a second input of an add on a line of its own, then the totals.
/// </summary>
public static class KerasSummaryTable
{
    private const string Gap = "  ";

    public static void Write(ModelSummary summary, TextWriter output)
    {
        var layers = KerasLayers.From(summary);
        var rows = layers.Select(layer => (
            Name: $"{layer.Name} ({layer.Type})",
            Shape: KerasLayers.ShapeText(layer),
            Parameters: layer.Parameters.ToString(CultureInfo.InvariantCulture),
            Inputs: layer.Inputs.Select(input => $"{input}[0][0]").ToList())).ToList();
        const string nameHeader = "Layer (type)", shapeHeader = "Output Shape", parametersHeader = "Param #", inputsHeader = "Connected to";
        var nameWidth = Math.Max(nameHeader.Length, rows.Max(row => row.Name.Length));
        var shapeWidth = Math.Max(shapeHeader.Length, rows.Max(row => row.Shape.Length));
        var parametersWidth = Math.Max(parametersHeader.Length, rows.Max(row => row.Parameters.Length));
        var inputsWidth = Math.Max(inputsHeader.Length, rows.SelectMany(row => row.Inputs).DefaultIfEmpty("").Max(input => input.Length));
        var width = nameWidth + shapeWidth + parametersWidth + inputsWidth + 3 * Gap.Length;

        string Line(string name, string shape, string parameters, string inputs) =>
            (name.PadRight(nameWidth) + Gap + shape.PadRight(shapeWidth) + Gap + parameters.PadRight(parametersWidth) + Gap + inputs).TrimEnd();

        var text = new StringBuilder();
        var config = summary.Config;
        text.AppendLine($"Model: \"{config.Architecture.Name}\" ({summary.Variant}, {config.Head.Name()} head, {config.NumClasses} classes)");
        text.AppendLine(new string('_', width));
        text.AppendLine(Line(nameHeader, shapeHeader, parametersHeader, inputsHeader));
        text.AppendLine(new string('=', width));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            text.AppendLine(Line(row.Name, row.Shape, row.Parameters, row.Inputs.FirstOrDefault() ?? ""));
            foreach (var input in row.Inputs.Skip(1))
            {
                text.AppendLine(Line("", "", "", input));
            }

            text.AppendLine(new string(i == rows.Count - 1 ? '=' : '_', width));
        }

        text.AppendLine($"Total params: {Count(summary.TotalParameters)}");
        text.AppendLine($"Trainable params: {Count(summary.TrainableParameters)}");
        text.AppendLine($"Non-trainable params: {Count(summary.NonTrainableParameters)}");
        text.AppendLine(new string('_', width));
        output.Write(text.ToString());
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
