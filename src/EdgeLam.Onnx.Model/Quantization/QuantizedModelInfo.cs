using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>
/// Writes <c>model_info.json</c> beside a quantized model: the source's own <c>model_info.json</c> (a synthetic
/// preset's) when there is one, with a <c>quantization</c> member holding the <see cref="QuantizationReport"/>;
/// the source's example inputs under <c>cases/</c> are copied, since the quantized model takes the same inputs.
/// </summary>
internal static class QuantizedModelInfo
{
    public const string FileName = "model_info.json";
    private const string CasesFolder = "cases";

    public static string Write(ModelFile source, string outDir, QuantizationReport report)
    {
        var sourceInfo = Path.Combine(source.BaseDirectory, FileName);
        JsonObject info;
        try
        {
            info = File.Exists(sourceInfo) && JsonNode.Parse(File.ReadAllText(sourceInfo)) is JsonObject parsed ? parsed : [];
        }
        catch (JsonException)
        {
            // A foreign model_info.json we cannot read is left behind rather than failing the quantization.
            info = [];
        }

        info["quantization"] = JsonSerializer.SerializeToNode(report, QuantizationReportJsonContext.Default.QuantizationReport);
        var path = Path.Combine(outDir, FileName);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            info.WriteTo(writer);
        }

        CopyCases(Path.Combine(source.BaseDirectory, CasesFolder), Path.Combine(outDir, CasesFolder));
        return path;
    }

    private static void CopyCases(string from, string to)
    {
        if (!Directory.Exists(from) || Path.GetFullPath(from) == Path.GetFullPath(to))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*.npy", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
