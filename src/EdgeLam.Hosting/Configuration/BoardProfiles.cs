namespace EdgeLam.Hosting.Configuration;

/// <summary>Finds a board profile (<c>boards/NAME.json</c>: sections Board, Sensors, Onnx, Memory) by name.</summary>
public static class BoardProfiles
{
    public const string NameKey = "Board:Name";

    /// <summary>The simulator board works without a profile file (it is the built-in default).</summary>
    public const string BuiltInBoard = "sim";

    /// <summary>The first <c>NAME.json</c> in <paramref name="directories"/>, or null.</summary>
    public static string? Find(string name, IEnumerable<string> directories)
    {
        foreach (var dir in directories)
        {
            var path = Path.Combine(dir, name + ".json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Board names available in <paramref name="directories"/>, sorted, without duplicates.</summary>
    public static IReadOnlyList<string> Available(IEnumerable<string> directories)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { BuiltInBoard };
        foreach (var dir in directories)
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        return [.. names];
    }
}
