using System.Text;

namespace EdgeLam.Core.Npy;

/// <summary>
/// A folder of named tensors, one <c>NAME.npy</c> per tensor. Tensor names may contain characters that cannot be in a
/// file name; <c>%</c> and <c>/</c> are written as <c>%25</c> and <c>%2F</c> and decoded again on reading.
/// </summary>
public static class NpyDirectory
{
    /// <summary>Reads every <c>*.npy</c> in <paramref name="directory"/>, keyed by tensor name (ordinal).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="NpyFormatException">A file is not a supported .npy file (the message names it).</exception>
    public static SortedDictionary<string, NpyArray> ReadAll(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException("Tensor folder not found: " + directory);
        }

        var result = new SortedDictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.npy"))
        {
            result[NameOf(file)] = NpyFile.Read(file);
        }

        return result;
    }

    /// <summary>Writes each tensor as <c>NAME.npy</c> into <paramref name="directory"/> (created when missing).</summary>
    public static void WriteAll(string directory, IEnumerable<KeyValuePair<string, NpyArray>> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tensors);
        Directory.CreateDirectory(directory);
        foreach (var (name, array) in tensors)
        {
            NpyFile.Write(PathOf(directory, name), array);
        }
    }

    /// <summary>The file that holds tensor <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var escaped = new StringBuilder(name).Replace("%", "%25").Replace("/", "%2F").Replace("\0", "%00").ToString();
        return Path.Combine(directory, escaped + ".npy");
    }

    /// <summary>The tensor name a <c>NAME.npy</c> file holds.</summary>
    public static string NameOf(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        var stem = Path.GetFileNameWithoutExtension(file.AsSpan());
        var sb = new StringBuilder(stem.Length);
        for (var i = 0; i < stem.Length; i++)
        {
            var rest = stem[i..];
            var (decoded, length) = rest.StartsWith("%25") ? ('%', 3) : rest.StartsWith("%2F") ? ('/', 3) : rest.StartsWith("%00") ? ('\0', 3) : (stem[i], 1);
            sb.Append(decoded);
            i += length - 1;
        }

        return sb.ToString();
    }
}
