namespace EdgeLam.Linux.Interop;

/// <summary>The asm-generic ioctl number encoding (_IOC) used by x86-64 and arm64: dir:2 | size:14 | type:8 | nr:8.</summary>
public static class IoctlRequest
{
    private const int NrShift = 0;
    private const int TypeShift = 8;
    private const int SizeShift = 16;
    private const int DirShift = 30;
    private const uint Write = 1;
    private const uint Read = 2;

    public static nuint Encode(uint direction, uint type, uint number, uint size) =>
        (nuint)((direction << DirShift) | (size << SizeShift) | (type << TypeShift) | (number << NrShift));

    /// <summary>_IOR(type, nr, size).</summary>
    public static nuint IoR(uint type, uint number, uint size) => Encode(Read, type, number, size);

    /// <summary>_IOWR(type, nr, size).</summary>
    public static nuint IoWR(uint type, uint number, uint size) => Encode(Read | Write, type, number, size);
}
