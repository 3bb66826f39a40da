using System.Runtime.InteropServices;

namespace EdgeLam.Onnx.Interop.Native;

/// <summary>The one place an <c>OrtStatus*</c> becomes an <see cref="OrtException"/>.</summary>
internal static unsafe class OrtStatus
{
    /// <summary>Returns when <paramref name="status"/> is null (success); otherwise reads code and message, releases the status and throws.</summary>
    /// <exception cref="OrtException">The call failed.</exception>
    public static void Check(nint status, string? context = null)
    {
        if (status != 0)
        {
            Throw(status, context);
        }
    }

    private static void Throw(nint status, string? context)
    {
        OrtErrorCode code;
        string message;
        try
        {
            code = (OrtErrorCode)OrtApi.GetErrorCode(status);
            message = Marshal.PtrToStringUTF8((nint)OrtApi.GetErrorMessage(status)) ?? string.Empty;
        }
        finally
        {
            OrtApi.ReleaseStatus(status);
        }

        throw new OrtException(code, message, context);
    }
}
