using System.Runtime.InteropServices;

namespace EdgeLam.Linux.Interop;

/// <summary>One open Linux file descriptor, closed exactly once.</summary>
public sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle()
        : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    internal FileDescriptorHandle(int fd, string target)
        : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Target = target;
    }

    /// <summary>The path (or description) the descriptor was opened for, used in error messages.</summary>
    public string Target { get; } = "fd";

    public override bool IsInvalid => handle.ToInt64() < 0;

    internal int Fd
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle.ToInt64();
        }
    }

    /// <summary>Opens <paramref name="path"/> read-write (or read-only) with O_CLOEXEC.</summary>
    public static FileDescriptorHandle Open(string path, bool readOnly = false, bool nonBlocking = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var flags = (readOnly ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_CLOEXEC | (nonBlocking ? Libc.O_NONBLOCK : 0);
        var fd = SysCall.Check(Libc.Open(path, flags), "open", path);
        return new FileDescriptorHandle(fd, path);
    }

    /// <summary>Adopts a descriptor the kernel returned through an ioctl.</summary>
    internal static FileDescriptorHandle Adopt(int fd, string target) => new(fd, target);

    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;
}
