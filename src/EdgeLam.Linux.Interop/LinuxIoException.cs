using System.Runtime.InteropServices;

namespace EdgeLam.Linux.Interop;

/// <summary>A failed Linux system call: the operation, the path or device involved, and errno.</summary>
public sealed class LinuxIoException : IOException
{
    public LinuxIoException(string operation, string target, int errno)
        : base($"{operation} on {target} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Operation = operation;
        Target = target;
        Errno = errno;
    }

    public LinuxIoException()
        : this("syscall", "unknown", 0)
    {
    }

    public LinuxIoException(string message)
        : base(message)
    {
        Operation = "syscall";
        Target = "unknown";
    }

    public LinuxIoException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "syscall";
        Target = "unknown";
    }

    public string Operation { get; }

    public string Target { get; }

    public int Errno { get; }

    /// <summary>True for the errors a device reports when it does not acknowledge (EREMOTEIO, ENXIO, EIO).</summary>
    public bool IsNoAcknowledge => Errno is Interop.Errno.EREMOTEIO or Interop.Errno.ENXIO or Interop.Errno.EIO;

    /// <summary>True when the device node or driver vanished (ENOENT, ENODEV).</summary>
    public bool IsDeviceGone => Errno is Interop.Errno.ENOENT or Interop.Errno.ENODEV;
}

/// <summary>The one place a libc return value becomes an exception.</summary>
internal static class SysCall
{
    public static int Check(int result, string operation, string target)
    {
        if (result < 0)
        {
            throw new LinuxIoException(operation, target, Marshal.GetLastPInvokeError());
        }

        return result;
    }

    public static nint Check(nint result, string operation, string target)
    {
        if (result < 0)
        {
            throw new LinuxIoException(operation, target, Marshal.GetLastPInvokeError());
        }

        return result;
    }
}
