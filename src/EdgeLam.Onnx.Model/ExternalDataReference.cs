namespace EdgeLam.Onnx.Model;

/// <summary>Where an external tensor's bytes live: a file, an offset in it and a length. The bytes stay on disk.</summary>
/// <param name="FilePath">Absolute path of the data file.</param>
/// <param name="Offset">Byte offset of the tensor in the file.</param>
/// <param name="Length">Byte length of the tensor.</param>
public sealed record ExternalDataReference(string FilePath, long Offset, long Length)
{
    /// <summary>Opens the referenced byte range as a read-only stream.</summary>
    public Stream OpenRead()
    {
        FileStream file;
        try
        {
            file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"External data file '{FilePath}' cannot be opened: {e.Message}", e);
        }

        if (Offset + Length > file.Length)
        {
            var size = file.Length;
            file.Dispose();
            throw new ModelFormatException(
                $"External data range [{Offset}, {Offset + Length}) lies beyond the end of '{FilePath}' ({size} bytes).");
        }

        return new FileRangeStream(file, Offset, Length);
    }
}
