using System.Globalization;

namespace EdgeLam.Plot;

/// <summary>One named series of (x, y) points.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A vertical marker at <paramref name="X"/> with a short label (an event: a re-split, a fault).</summary>
public sealed record Marker(double X, string Label);

/// <summary>A line chart: axes with round ticks, one colour per series, a legend, optional vertical markers.</summary>
public sealed class LineChart
{
    private static readonly (byte, byte, byte)[] Palette =
        [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75)];

    private static readonly (byte, byte, byte) Ink = (30, 30, 30);
    private static readonly (byte, byte, byte) Grid = (225, 225, 225);
    private static readonly (byte, byte, byte) Mark = (120, 120, 120);

    public string Title { get; init; } = string.Empty;

    public string XLabel { get; init; } = string.Empty;

    public string YLabel { get; init; } = string.Empty;

    public bool YFromZero { get; init; } = true;

    public IReadOnlyList<Series> Series { get; init; } = [];

    public IReadOnlyList<Marker> Markers { get; init; } = [];

    /// <summary>Draws the chart on a new canvas of the given size.</summary>
    public PngCanvas Render(int width = 900, int height = 420)
    {
        var canvas = new PngCanvas(width, height);
        var points = Series.SelectMany(s => s.Points).ToList();
        if (points.Count == 0)
        {
            throw new InvalidOperationException("The chart has no points.");
        }

        var (x0, x1) = Span(points.Min(p => p.X), points.Max(p => p.X), false);
        var (y0, y1) = Span(points.Min(p => p.Y), points.Max(p => p.Y), YFromZero);
        const int left = 80, right = 20, top = 40, bottom = 50;
        int plotW = width - left - right, plotH = height - top - bottom;
        int Px(double x) => left + (int)Math.Round((x - x0) / (x1 - x0) * plotW);
        int Py(double y) => top + plotH - (int)Math.Round((y - y0) / (y1 - y0) * plotH);

        foreach (var t in Ticks(y0, y1))
        {
            canvas.Line(left, Py(t), left + plotW, Py(t), Grid);
            var label = Format(t);
            canvas.Text(left - 6 - PngCanvas.TextWidth(label), Py(t) - 3, label, Ink);
        }

        foreach (var t in Ticks(x0, x1))
        {
            canvas.Line(Px(t), top + plotH, Px(t), top + plotH + 4, Ink);
            var label = Format(t);
            canvas.Text(Px(t) - (PngCanvas.TextWidth(label) / 2), top + plotH + 8, label, Ink);
        }

        canvas.Line(left, top, left, top + plotH, Ink);
        canvas.Line(left, top + plotH, left + plotW, top + plotH, Ink);
        foreach (var m in Markers)
        {
            for (var y = top; y < top + plotH; y += 6)
            {
                canvas.Line(Px(m.X), y, Px(m.X), Math.Min(y + 3, top + plotH), Mark);
            }

            canvas.Text(Px(m.X) + 3, top + 2, m.Label, Mark);
        }

        var legendW = 30 + Series.Max(s => PngCanvas.TextWidth(s.Name));
        var legendLeft = left + plotW - legendW - 6;
        for (var i = 0; i < Series.Count; i++)
        {
            var colour = Palette[i % Palette.Length];
            var pts = Series[i].Points.OrderBy(p => p.X).ToList();
            for (var k = 1; k < pts.Count; k++)
            {
                canvas.Line(Px(pts[k - 1].X), Py(pts[k - 1].Y), Px(pts[k].X), Py(pts[k].Y), colour, 2);
            }

            if (pts.Count == 1)
            {
                canvas.Line(Px(pts[0].X) - 2, Py(pts[0].Y), Px(pts[0].X) + 2, Py(pts[0].Y), colour, 3);
            }

        }

        canvas.Fill(legendLeft - 4, top + 1, legendW + 8, (Series.Count * 12) + 6, (255, 255, 255));
        for (var i = 0; i < Series.Count; i++)
        {
            var legendY = top + 4 + (i * 12);
            canvas.Line(legendLeft, legendY + 3, legendLeft + 16, legendY + 3, Palette[i % Palette.Length], 2);
            canvas.Text(legendLeft + 22, legendY, Series[i].Name, Ink);
        }

        canvas.Text((width - PngCanvas.TextWidth(Title, 2)) / 2, 10, Title, Ink, 2);
        canvas.Text(left + ((plotW - PngCanvas.TextWidth(XLabel)) / 2), height - 18, XLabel, Ink);
        canvas.Text(8, top - 14, YLabel, Ink);
        return canvas;
    }

    private static (double Low, double High) Span(double low, double high, bool fromZero)
    {
        if (fromZero && low > 0)
        {
            low = 0;
        }

        if (high - low < 1e-12)
        {
            (low, high) = (low - 1, high + 1);
        }

        var pad = fromZero ? 0 : (high - low) * 0.02;
        return (low - pad, high + ((high - low) * 0.05));
    }

    /// <summary>Five to ten round values (1, 2 or 5 × 10^k apart) inside [low, high].</summary>
    private static IEnumerable<double> Ticks(double low, double high)
    {
        var raw = (high - low) / 6;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (var t = Math.Ceiling(low / step) * step; t <= high + (step * 1e-9); t += step)
        {
            yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
        }
    }

    private static string Format(double value) =>
        Math.Abs(value) >= 1e6 ? (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M"
        : Math.Abs(value) >= 1e4 ? (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "K"
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
