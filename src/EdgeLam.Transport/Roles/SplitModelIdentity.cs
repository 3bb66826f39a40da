using System.Text.Json;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Roles;

/// <summary>The identity of a split model as frames and topics carry it: the source model's SHA-256, truncated.</summary>
public static class SplitModelIdentity
{
    /// <summary>Reads <c>manifest.json</c> in <paramref name="directory"/> and returns the model id.</summary>
    /// <exception cref="InvalidDataException">The manifest is missing or unreadable.</exception>
    public static ModelId Read(string directory)
    {
        var path = Path.Combine(directory, SplitManifest.FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException("'" + directory + "' is not a split model: " + SplitManifest.FileName + " is missing (run `edgelam model split`).");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), SplitManifestJsonContext.Default.SplitManifest)
                ?? throw new InvalidDataException(path + " is empty.");
            return ModelId.Parse(manifest.Source.Sha256);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new InvalidDataException(path + " is not a valid manifest: " + ex.Message, ex);
        }
    }
}
