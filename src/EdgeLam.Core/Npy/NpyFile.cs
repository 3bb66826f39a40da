using System.Buffers.Binary;
using System.Text;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Npy;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format 1.0 and 2.0; 3.0 is read as well), C order only,
/// little-endian data. See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html.
/// </summary>
public static class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private const int MaxHeaderLength = 1 << 20;
    private const int Alignment = 64;

    /// <summary>Reads a file.</summary>
    /// <exception cref="NpyFormatException">The file is not a supported .npy file (the message names the file).</exception>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Read(stream);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException(path + ": " + e.Message, e);
        }
    }

    /// <summary>Reads one array from the current position of <paramref name="stream"/>.</summary>
    /// <exception cref="NpyFormatException">Bad magic, unsupported version, malformed or truncated header or data, Fortran order.</exception>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "the magic string and version");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException("Not an .npy file: the magic string \\x93NUMPY is missing.");
        }

        var major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            ReadExactly(stream, len, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            ReadExactly(stream, len, "the header length");
            var l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > MaxHeaderLength)
            {
                throw new NpyFormatException("The .npy header claims " + l + " bytes; at most " + MaxHeaderLength + " are accepted.");
            }

            headerLength = (int)l;
        }
        else
        {
            throw new NpyFormatException("Unsupported .npy format version " + major + "." + prefix[7] + " (1.0, 2.0 and 3.0 are supported).");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        string headerText;
        try
        {
            headerText = (major == 3 ? new UTF8Encoding(false, true) : (Encoding)Encoding.Latin1).GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new NpyFormatException("The .npy header is not valid UTF-8.", e);
        }

        var header = NpyHeader.Parse(headerText);
        if (header.FortranOrder)
        {
            throw new NpyFormatException("Fortran-ordered arrays are not supported; save a C-ordered copy (np.ascontiguousarray(a)).");
        }

        var type = NpyDescr.Parse(header.Descr);
        long count;
        long byteCount;
        try
        {
            count = TensorElementTypeExtensions.ElementCount(header.Shape);
            byteCount = checked(count * type.SizeInBytes());
        }
        catch (OverflowException e)
        {
            throw new NpyFormatException("The .npy shape " + TensorShape.Format(header.Shape) + " is too large.", e);
        }

        if (byteCount > Array.MaxLength)
        {
            throw new NpyFormatException("The .npy array holds " + byteCount + " bytes; at most " + Array.MaxLength + " are supported.");
        }

        var data = new byte[byteCount];
        ReadExactly(stream, data, "the data of shape " + TensorShape.Format(header.Shape) + " (" + byteCount + " bytes)");
        return new NpyArray(type, header.Shape, data);
    }

    /// <summary>Writes a file (created or overwritten).</summary>
    public static void Write(string path, NpyArray array, NpyVersion version = NpyVersion.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, array, version);
    }

    /// <summary>Writes one array to <paramref name="stream"/>; the header is padded so the data starts 64-byte aligned.</summary>
    public static void Write(Stream stream, NpyArray array, NpyVersion version = NpyVersion.Auto)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        var dict = new NpyHeader(NpyDescr.For(array.ElementType), false, array.Shape.ToArray()).Format();
        var dictBytes = Encoding.ASCII.GetByteCount(dict);

        var major = version switch
        {
            NpyVersion.V1 => 1,
            NpyVersion.V2 => 2,
            NpyVersion.Auto => Padded(dictBytes, 10) <= ushort.MaxValue ? 1 : 2,
            _ => throw new ArgumentOutOfRangeException(nameof(version)),
        };
        var prefixLength = major == 1 ? 10 : 12;
        var headerLength = Padded(dictBytes, prefixLength);
        if (major == 1 && headerLength > ushort.MaxValue)
        {
            throw new ArgumentException("The header needs " + headerLength + " bytes; format 1.0 allows 65535. Use NpyVersion.V2.", nameof(version));
        }

        var buffer = new byte[prefixLength + headerLength];
        Magic.CopyTo(buffer);
        buffer[6] = (byte)major;
        buffer[7] = 0;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(8), (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), (uint)headerLength);
        }

        var header = buffer.AsSpan(prefixLength);
        header.Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, header);
        header[^1] = (byte)'\n';
        stream.Write(buffer);
        stream.Write(array.Data);
    }

    // Header length (dictionary, spaces, final newline) so that prefix + header is a multiple of 64.
    private static int Padded(int dictBytes, int prefixLength)
    {
        var total = prefixLength + dictBytes + 1;
        return dictBytes + 1 + ((Alignment - (total % Alignment)) % Alignment);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw new NpyFormatException("Truncated .npy: " + what + " needs " + buffer.Length + " bytes, only " + read + " remain.");
        }
    }
}
