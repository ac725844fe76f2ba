using System.Globalization;
using System.Security;
using System.Text;

namespace ResNetService.Trainer.Summary;

/// <summary>Writes a <see cref="NetworkPicture"/> as SVG text.</summary>
public static class SvgPictureWriter
{
    public static string ToSvg(NetworkPicture picture)
    {
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{picture.Width}\" height=\"{picture.Height}\" viewBox=\"0 0 {picture.Width} {picture.Height}\">"));
        svg.AppendLine("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">" +
                       "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>");
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        svg.AppendLine("<g font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\">");
        foreach (var shape in picture.Shapes)
        {
            svg.AppendLine(shape switch
            {
                PictureBox box => Invariant(
                    $"<rect x=\"{box.X}\" y=\"{box.Y}\" width=\"{box.Width}\" height=\"{box.Height}\" rx=\"6\" fill=\"{box.Fill}\" stroke=\"{box.Stroke}\"{(box.Dashed ? " stroke-dasharray=\"6 4\"" : "")}/>"),
                PictureText text => Invariant(
                    $"<text x=\"{text.X}\" y=\"{text.Y}\" font-size=\"{text.Size}\" fill=\"{text.Color}\" text-anchor=\"{(text.Anchor == TextAnchor.Middle ? "middle" : "start")}\"{(text.Bold ? " font-weight=\"bold\"" : "")}>{SecurityElement.Escape(text.Text)}</text>"),
                PictureLine line => Invariant(
                    $"<polyline points=\"{string.Join(" ", line.Points.Select(p => Invariant($"{p.X},{p.Y}")))}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"1.5\"{(line.Arrow ? " marker-end=\"url(#arrow)\"" : "")}/>"),
                _ => throw new NotSupportedException(shape.GetType().Name),
            });
        }

        svg.AppendLine("</g>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
