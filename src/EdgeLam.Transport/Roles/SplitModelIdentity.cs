using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Roles;

/// <summary>The identity of a split model as frames and topics carry it: the source model's SHA-256, truncated.</summary>
public static class SplitModelIdentity
{
    /// <summary>Reads <c>manifest.json</c> in <paramref name="directory"/> (<see cref="ModelSplitter.ReadManifest"/>) and returns the model id.</summary>
    /// <exception cref="InvalidDataException">The manifest is missing, unreadable, or its source digest is not hex.</exception>
    public static ModelId Read(string directory)
    {
        try
        {
            return ModelId.Parse(ModelSplitter.ReadManifest(directory).Source.Sha256);
        }
        catch (ModelFormatException ex)
        {
            throw new InvalidDataException(ex.Message + " (run `edgelam model split`)", ex);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException("'" + Path.Combine(directory, SplitManifest.FileName) + "' is not a valid manifest: " + ex.Message, ex);
        }
    }
}
