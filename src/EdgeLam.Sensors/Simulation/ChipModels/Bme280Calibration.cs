using System.Buffers.Binary;

namespace EdgeLam.Sensors.Simulation.ChipModels;

/// <summary>The trimming parameters dig_T1..dig_H6 (datasheet section 4.2.2, table 16).</summary>
public readonly record struct Bme280Calibration(
    ushort T1, short T2, short T3,
    ushort P1, short P2, short P3, short P4, short P5, short P6, short P7, short P8, short P9,
    byte H1, short H2, byte H3, short H4, short H5, sbyte H6)
{
    /// <summary>Length of the block at 0x88 (calib00..calib25).</summary>
    public const int Block1Length = 26;

    /// <summary>Length of the block at 0xE1 (calib26..calib32).</summary>
    public const int Block2Length = 7;

    /// <summary>Decodes the two register blocks (little-endian words; dig_H4/H5 are 12-bit values sharing 0xE5).</summary>
    public static Bme280Calibration Parse(ReadOnlySpan<byte> block1, ReadOnlySpan<byte> block2)
    {
        if (block1.Length < Block1Length || block2.Length < Block2Length)
        {
            throw new ArgumentException("calibration blocks are 26 and 7 bytes");
        }

        var b = block1;
        return new Bme280Calibration(
            T1: BinaryPrimitives.ReadUInt16LittleEndian(block1),
            T2: BinaryPrimitives.ReadInt16LittleEndian(b[2..]),
            T3: BinaryPrimitives.ReadInt16LittleEndian(b[4..]),
            P1: BinaryPrimitives.ReadUInt16LittleEndian(block1[6..]),
            P2: BinaryPrimitives.ReadInt16LittleEndian(b[8..]),
            P3: BinaryPrimitives.ReadInt16LittleEndian(b[10..]),
            P4: BinaryPrimitives.ReadInt16LittleEndian(b[12..]),
            P5: BinaryPrimitives.ReadInt16LittleEndian(b[14..]),
            P6: BinaryPrimitives.ReadInt16LittleEndian(b[16..]),
            P7: BinaryPrimitives.ReadInt16LittleEndian(b[18..]),
            P8: BinaryPrimitives.ReadInt16LittleEndian(b[20..]),
            P9: BinaryPrimitives.ReadInt16LittleEndian(b[22..]),
            H1: block1[25],
            H2: BinaryPrimitives.ReadInt16LittleEndian(block2),
            H3: block2[2],
            H4: (short)(((sbyte)block2[3] * 16) | (block2[4] & 0x0F)),
            H5: (short)(((sbyte)block2[5] * 16) | (block2[4] >> 4)),
            H6: (sbyte)block2[6]);
    }

    /// <summary>Encodes the parameters back into the two register blocks (the inverse of <see cref="Parse"/>).</summary>
    public void Encode(Span<byte> block1, Span<byte> block2)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(block1, T1);
        BinaryPrimitives.WriteInt16LittleEndian(block1[2..], T2);
        BinaryPrimitives.WriteInt16LittleEndian(block1[4..], T3);
        BinaryPrimitives.WriteUInt16LittleEndian(block1[6..], P1);
        BinaryPrimitives.WriteInt16LittleEndian(block1[8..], P2);
        BinaryPrimitives.WriteInt16LittleEndian(block1[10..], P3);
        BinaryPrimitives.WriteInt16LittleEndian(block1[12..], P4);
        BinaryPrimitives.WriteInt16LittleEndian(block1[14..], P5);
        BinaryPrimitives.WriteInt16LittleEndian(block1[16..], P6);
        BinaryPrimitives.WriteInt16LittleEndian(block1[18..], P7);
        BinaryPrimitives.WriteInt16LittleEndian(block1[20..], P8);
        BinaryPrimitives.WriteInt16LittleEndian(block1[22..], P9);
        block1[24] = 0;
        block1[25] = H1;
        BinaryPrimitives.WriteInt16LittleEndian(block2, H2);
        block2[2] = H3;
        block2[3] = (byte)(H4 >> 4);
        block2[4] = (byte)((H4 & 0x0F) | ((H5 & 0x0F) << 4));
        block2[5] = (byte)(H5 >> 4);
        block2[6] = (byte)H6;
    }
}
