using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeLam.Hosting.Doctor;

/// <summary>
/// Verifies the model files named in <c>manifest.json</c> against their sha256. Every object inside a
/// <c>files</c> member is an entry: an array of <c>{"path": …, "sha256": …}</c> (also <c>file</c>/<c>name</c>),
/// or an object mapping a path to its sha256. Paths are relative to the manifest's directory.
/// </summary>
public static class ModelManifestCheck
{
    private const string Check = "model";

    public static IEnumerable<DoctorFinding> Run(DoctorContext context)
    {
        var path = context.Settings.Model.Path;
        if (path is null)
        {
            return [DoctorFinding.Info(Check, "no Model:Path: the node waits for a model assignment")];
        }

        var manifest = Directory.Exists(path) ? Path.Combine(path, "manifest.json") : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "manifest.json");
        if (!File.Exists(manifest))
        {
            return Directory.Exists(path)
                ? [DoctorFinding.Problem(Check, $"{path} has no manifest.json", "split the model with `edgelam model split` (it writes the manifest) or point Model:Path at a split model")]
                : [DoctorFinding.Warning(Check, $"{path}: no manifest.json beside it, file hashes not verified", "use a split model directory with its manifest.json")];
        }

        return Verify(manifest);
    }

    public static IReadOnlyList<DoctorFinding> Verify(string manifestPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        List<(string File, string Sha256)> entries;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            entries = [];
            Collect(doc.RootElement, inFiles: false, entries);
        }
        catch (JsonException e)
        {
            return [DoctorFinding.Problem(Check, $"{manifestPath} is not valid JSON: {e.Message}", "re-create the model with `edgelam model split`")];
        }

        if (entries.Count == 0)
        {
            return [DoctorFinding.Problem(Check, $"{manifestPath} lists no files with sha256", "re-create the model with `edgelam model split`")];
        }

        var findings = new List<DoctorFinding>();
        foreach (var (file, expected) in entries.Distinct())
        {
            var full = Path.GetFullPath(Path.Combine(dir, file));
            if (!full.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                findings.Add(DoctorFinding.Problem(Check, $"{manifestPath} names {file}, outside the model directory", "re-create the model with `edgelam model split`"));
            }
            else if (!File.Exists(full))
            {
                findings.Add(DoctorFinding.Problem(Check, $"{file} listed in the manifest is missing", $"copy the complete model directory to {dir}"));
            }
            else
            {
                using var stream = File.OpenRead(full);
                var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
                if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(DoctorFinding.Problem(Check, $"{file}: sha256 {actual}, manifest says {expected} (corrupt or partial copy)", $"copy {file} again from the model source"));
                }
            }
        }

        if (findings.Count == 0)
        {
            findings.Add(DoctorFinding.Ok(Check, $"{entries.Distinct().Count()} file(s) match {manifestPath}"));
        }

        return findings;
    }

    private static void Collect(JsonElement element, bool inFiles, List<(string, string)> entries)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (inFiles && Entry(element) is { } entry)
                {
                    entries.Add(entry);
                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    var isFiles = property.NameEquals("files");
                    if (isFiles && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var f in property.Value.EnumerateObject())
                        {
                            if (f.Value.ValueKind == JsonValueKind.String)
                            {
                                entries.Add((f.Name, f.Value.GetString()!));
                            }
                            else
                            {
                                Collect(f.Value, inFiles: true, entries);
                            }
                        }
                    }
                    else
                    {
                        Collect(property.Value, isFiles, entries);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, inFiles, entries);
                }

                break;
        }
    }

    private static (string, string)? Entry(JsonElement element)
    {
        string? file = null, sha = null;
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            if (p.NameEquals("sha256"))
            {
                sha = p.Value.GetString();
            }
            else if (p.NameEquals("path") || p.NameEquals("file") || p.NameEquals("name"))
            {
                file ??= p.Value.GetString();
            }
        }

        return file is not null && sha is not null ? (file, sha) : null;
    }
}
