using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeLam.Plot;

/// <summary>An RGB raster written as a PNG (8-bit truecolour, one zlib IDAT, filter 0 on every row).</summary>
public sealed class PngCanvas(int width, int height)
{
    private static readonly uint[] CrcTable = BuildCrcTable();
    private readonly byte[] _pixels = Fill(width, height);

    public int Width { get; } = width;

    public int Height { get; } = height;

    /// <summary>Sets one pixel; points outside the canvas are ignored.</summary>
    public void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        (_pixels[i], _pixels[i + 1], _pixels[i + 2]) = c;
    }

    /// <summary>Fills the rectangle at (x, y) of <paramref name="w"/> × <paramref name="h"/> pixels.</summary>
    public void Fill(int x, int y, int w, int h, (byte, byte, byte) c)
    {
        for (var j = y; j < y + h; j++)
        {
            for (var i = x; i < x + w; i++)
            {
                Set(i, j, c);
            }
        }
    }

    /// <summary>A line from (x0, y0) to (x1, y1), <paramref name="thickness"/> pixels wide (Bresenham).</summary>
    public void Line(int x0, int y0, int x1, int y1, (byte, byte, byte) c, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            for (var t = 0; t < thickness; t++)
            {
                Set(x0 + (dx > -dy ? 0 : t), y0 + (dx > -dy ? t : 0), c);
            }

            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            var e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                err += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Text in the 5×7 pixel font, top-left at (x, y), each font pixel <paramref name="scale"/> pixels.</summary>
    public void Text(int x, int y, string text, (byte, byte, byte) c, int scale = 1)
    {
        foreach (var ch in text)
        {
            var rows = PixelFont.Glyph(ch);
            for (var r = 0; r < rows.Length; r++)
            {
                for (var col = 0; col < 5; col++)
                {
                    if (rows[r][col] != '.')
                    {
                        for (var sy = 0; sy < scale; sy++)
                        {
                            for (var sx = 0; sx < scale; sx++)
                            {
                                Set(x + (col * scale) + sx, y + (r * scale) + sy, c);
                            }
                        }
                    }
                }
            }

            x += 6 * scale;
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale = 1) => text.Length * 6 * scale;

    /// <summary>The PNG file.</summary>
    public byte[] Encode()
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        Chunk(png, "IHDR", header);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                for (var y = 0; y < Height; y++)
                {
                    z.WriteByte(0);
                    z.Write(_pixels, y * Width * 3, Width * 3);
                }
            }

            Chunk(png, "IDAT", raw.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var body = new byte[4 + data.Length];
        for (var i = 0; i < 4; i++)
        {
            body[i] = (byte)type[i];
        }

        data.CopyTo(body, 4);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc(body));
        png.Write(word);
    }

    private static uint Crc(byte[] data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static byte[] Fill(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)255);
        return pixels;
    }
}
