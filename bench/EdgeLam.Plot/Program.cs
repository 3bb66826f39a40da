using System.Globalization;
using EdgeLam.Plot;

// `dotnet run --project bench/EdgeLam.Plot -- --csv F --x COL --y COL[,COL...] --out F.png [--title T]
//   [--xlabel L] [--ylabel L] [--marks X:LABEL,...] [--no-zero]`: a PNG line chart from a CSV with a header row
// (bench harnesses write one; docs/ embed the result). One series per --y column; rows whose value is empty are skipped.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
var noZero = false;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--no-zero")
    {
        noZero = true;
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        options[args[i][2..]] = args[++i];
    }
    else
    {
        return Fail("unexpected argument " + args[i]);
    }
}

if (!options.TryGetValue("csv", out var csv) || !options.TryGetValue("x", out var xName) || !options.TryGetValue("y", out var yNames) || !options.TryGetValue("out", out var output))
{
    return Fail("usage: --csv F --x COL --y COL[,COL...] --out F.png [--title T] [--xlabel L] [--ylabel L] [--marks X:LABEL,...] [--no-zero]");
}

var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
if (lines.Length < 2)
{
    return Fail(csv + " has no data rows");
}

var header = lines[0].Split(',');
int Column(string name) => Array.IndexOf(header, name) is var k and >= 0 ? k : throw new ArgumentException("column '" + name + "' is not in " + csv + " (" + lines[0] + ")");
try
{
    var xi = Column(xName);
    var series = yNames.Split(',').Select(name =>
    {
        var yi = Column(name);
        var points = new List<(double, double)>();
        foreach (var row in lines.Skip(1).Select(l => l.Split(',')))
        {
            if (row.Length > Math.Max(xi, yi)
                && double.TryParse(row[xi], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && double.TryParse(row[yi], NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            {
                points.Add((x, y));
            }
        }

        return new Series(name, points);
    }).ToList();
    var markers = (options.GetValueOrDefault("marks") ?? string.Empty)
        .Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(m => m.Split(':', 2))
        .Select(p => new Marker(double.Parse(p[0], CultureInfo.InvariantCulture), p.Length > 1 ? p[1] : string.Empty))
        .ToList();
    var chart = new LineChart
    {
        Title = options.GetValueOrDefault("title") ?? string.Empty,
        XLabel = options.GetValueOrDefault("xlabel") ?? xName,
        YLabel = options.GetValueOrDefault("ylabel") ?? string.Empty,
        YFromZero = !noZero,
        Series = series,
        Markers = markers,
    };
    File.WriteAllBytes(output, chart.Render().Encode());
    Console.WriteLine($"{output}: {series.Sum(s => s.Points.Count)} points in {series.Count} series");
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
{
    return Fail(e.Message);
}

static int Fail(string message)
{
    Console.Error.WriteLine("plot: " + message);
    return 2;
}
