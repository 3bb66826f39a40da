using System.Runtime.InteropServices;

namespace EdgeLam.Linux.Interop;

/// <summary>
/// The libc entry points the IIO sysfs reader needs (allocation-free attribute reads). I2C, SPI and GPIO go through
/// System.Device.Gpio. Every call sets errno for <see cref="LinuxIoException"/>.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int O_RDONLY = 0x0;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);
}
