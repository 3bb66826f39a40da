using System.Runtime.InteropServices;
using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary>The one place turning a <c>MOSQ_ERR_*</c> into an exception (text from <c>mosquitto_strerror</c>).</summary>
public static class MosquittoStatus
{
    /// <summary>Throws <see cref="MosquittoException"/> unless <paramref name="code"/> is <c>MOSQ_ERR_SUCCESS</c>.</summary>
    public static void ThrowIfError(int code, string operation)
    {
        if (code != (int)MosquittoError.Success)
        {
            throw Create(code, operation);
        }
    }

    /// <summary>The exception for <paramref name="code"/>; <c>MOSQ_ERR_ERRNO</c> carries the last system error text.</summary>
    public static MosquittoException Create(int code, string operation)
    {
        var error = (MosquittoError)code;
        var message = error == MosquittoError.Errno
            ? Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())
            : Describe(code);
        return new MosquittoException(error, operation, message);
    }

    /// <summary><c>mosquitto_strerror</c> for <paramref name="code"/>.</summary>
    public static unsafe string Describe(int code)
    {
        MosquittoLibrary.EnsureInitialized();
        return Marshal.PtrToStringUTF8((nint)MosquittoNative.StrError(code)) ?? $"MOSQ_ERR {code}";
    }

    /// <summary><c>mosquitto_reason_string</c> for an MQTT 5 reason code.</summary>
    public static unsafe string DescribeReason(int reasonCode)
    {
        MosquittoLibrary.EnsureInitialized();
        return Marshal.PtrToStringUTF8((nint)MosquittoNative.ReasonString(reasonCode)) ?? $"reason {reasonCode}";
    }
}
