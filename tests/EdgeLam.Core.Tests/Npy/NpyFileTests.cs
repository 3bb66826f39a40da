using System.Buffers.Binary;
using System.Text;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Testing;

namespace EdgeLam.Core.Tests.Npy;

public sealed class NpyFileTests
{
    public static TheoryData<string> SharedNpyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestPaths.SharedModels, "*.npy", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TestPaths.SharedModels, f));
        }

        return data;
    }

    public static TheoryData<TensorElementType, NpyVersion> EveryTypeAndVersion()
    {
        var data = new TheoryData<TensorElementType, NpyVersion>();
        foreach (var t in new[] { TensorElementType.Float32, TensorElementType.Float16, TensorElementType.BFloat16, TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Int8, TensorElementType.UInt8, TensorElementType.Bool })
        {
            data.Add(t, NpyVersion.V1);
            data.Add(t, NpyVersion.V2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SharedNpyFiles))]
    public void Write_WhatNumpyWrote_IsByteIdentical(string relative)
    {
        var original = File.ReadAllBytes(Path.Combine(TestPaths.SharedModels, relative));
        var array = NpyFile.Read(new MemoryStream(original));

        var copy = new MemoryStream();
        NpyFile.Write(copy, array);

        Assert.Equal(original, copy.ToArray());
    }

    [Fact]
    public void Read_NumpyFloat16File_GivesTheShapeInItsHeader()
    {
        // Header text of this file (written by NumPy): {'descr': '<f2', 'fortran_order': False, 'shape': (1, 1, 0, 16), }
        var array = NpyFile.Read(Path.Combine(TestPaths.SharedModels, "tiny-llama-fp16", "cases", "prefill", "inputs", "past_key_values.0.key.npy"));

        Assert.Equal(TensorElementType.Float16, array.ElementType);
        Assert.Equal([1L, 1, 0, 16], array.Shape.ToArray());
        Assert.Empty(array.Data);
    }

    [Theory]
    [MemberData(nameof(EveryTypeAndVersion))]
    public void ReadWrite_EveryType_RoundTrips(TensorElementType type, NpyVersion version)
    {
        var size = type.SizeInBytes();
        var data = new byte[2 * 3 * size];
        new Random(7).NextBytes(data);
        if (type == TensorElementType.Bool)
        {
            for (var i = 0; i < data.Length; i++)
            {
                data[i] &= 1;
            }
        }

        var array = new NpyArray(type, [2, 3], data);
        var stream = new MemoryStream();

        NpyFile.Write(stream, array, version);
        stream.Position = 0;
        var back = NpyFile.Read(stream);

        Assert.Equal((byte)version, stream.GetBuffer()[6]);
        Assert.Equal(0, (stream.Length - data.Length) % 64);
        Assert.Equal(type, back.ElementType);
        Assert.Equal([2L, 3], back.Shape.ToArray());
        Assert.Equal(data, back.Data);
    }

    [Theory]
    [InlineData(TensorElementType.Float32, "<f4")]
    [InlineData(TensorElementType.Float16, "<f2")]
    [InlineData(TensorElementType.BFloat16, "<V2")]
    [InlineData(TensorElementType.Int64, "<i8")]
    [InlineData(TensorElementType.Int32, "<i4")]
    [InlineData(TensorElementType.Int8, "|i1")]
    [InlineData(TensorElementType.UInt8, "|u1")]
    [InlineData(TensorElementType.Bool, "|b1")]
    public void Write_EachType_UsesTheNumpyDescriptor(TensorElementType type, string descr)
    {
        var stream = new MemoryStream();
        NpyFile.Write(stream, new NpyArray(type, [1], new byte[type.SizeInBytes()]));

        var header = Encoding.ASCII.GetString(stream.ToArray(), 10, BinaryPrimitives.ReadUInt16LittleEndian(stream.ToArray().AsSpan(8)));
        Assert.StartsWith("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }", header, StringComparison.Ordinal);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("|V2")]
    [InlineData("<V2")]
    [InlineData("bfloat16")]
    public void Read_BFloat16Spellings_GiveBFloat16(string descr)
    {
        var bytes = Build(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }", [0x80, 0x3F, 0x00, 0xC0]);

        var array = NpyFile.Read(new MemoryStream(bytes));

        Assert.Equal(TensorElementType.BFloat16, array.ElementType);
        Assert.Equal([1.0, -2.0], array.ToDoubleArray());
    }

    [Fact]
    public void Read_Version2Header_IsParsed()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, 1);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), -2);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), 300);
        var bytes = Build(2, "{'shape': (3,), 'fortran_order': False, 'descr': '<i4'}", data);

        var array = NpyFile.Read(new MemoryStream(bytes));

        Assert.Equal(TensorElementType.Int32, array.ElementType);
        Assert.Equal([1, -2, 300], array.AsSpan<int>().ToArray());
    }

    [Fact]
    public void Read_ScalarShape_HasRankZeroAndOneElement()
    {
        var array = NpyFile.Read(new MemoryStream(Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", BitConverter.GetBytes(2.5f))));

        Assert.Equal(0, array.Rank);
        Assert.Equal([2.5f], array.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Read_FortranOrder_IsRejectedClearly()
    {
        var bytes = Build(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);

        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes)));

        Assert.Contains("Fortran", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "Big-endian")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "Unsupported dtype")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "Structured")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,-1), }", "dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", "True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected")]
    [InlineData("not a dict", "expected '{'")]
    public void Read_CorruptHeader_IsRejected(string header, string expectedMessagePart)
    {
        var bytes = Build(1, header, new byte[8]);

        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes)));

        Assert.Contains(expectedMessagePart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadMagic_IsRejected()
    {
        var bytes = Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[1] = (byte)'X';

        Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes)));
    }

    [Fact]
    public void Read_UnknownVersion_IsRejected()
    {
        var bytes = Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[6] = 9;

        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes)));

        Assert.Contains("version 9.0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(40)]
    [InlineData(127)]
    public void Read_TruncatedHeader_IsRejected(int keep)
    {
        var bytes = Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);

        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes[..keep])));

        Assert.Contains("Truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedData_IsRejectedWithBothSizes()
    {
        var bytes = Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24]);

        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes[..^5])));

        Assert.Contains("24 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("19 remain", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeVersion2HeaderLength_IsRejectedWithoutAllocating()
    {
        var bytes = Build(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);

        Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes)));
    }

    [Fact]
    public void Read_File_NamesTheFileInTheError()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("broken.npy");
        File.WriteAllBytes(path, [1, 2, 3]);

        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    // An .npy file assembled by hand from the format description (numpy.lib.format): magic, version, header length, header.
    private static byte[] Build(int major, string dict, byte[] data)
    {
        var prefix = major == 1 ? 10 : 12;
        var header = dict + "\n";
        while ((prefix + header.Length) % 64 != 0)
        {
            header = header.Insert(header.Length - 1, " ");
        }

        var result = new byte[prefix + header.Length + data.Length];
        result[0] = 0x93;
        "NUMPY"u8.CopyTo(result.AsSpan(1));
        result[6] = (byte)major;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)header.Length);
        }

        Encoding.ASCII.GetBytes(header).CopyTo(result, prefix);
        data.CopyTo(result, prefix + header.Length);
        return result;
    }
}
