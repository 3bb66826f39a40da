using Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>The one path from the official API's <see cref="OnnxRuntimeException"/> to our <see cref="OrtException"/>.</summary>
internal static class OrtErrors
{
    /// <summary>Our exception for <paramref name="e"/>, prefixed with what was being done (e.g. the model path).</summary>
    public static OrtException From(OnnxRuntimeException e, string context)
    {
        // The managed API formats its message as "[ErrorCode:<name>] <ORT message>" and keeps the code only there.
        var message = e.Message;
        var code = OrtErrorCode.Fail;
        const string Prefix = "[ErrorCode:";
        if (message.StartsWith(Prefix, StringComparison.Ordinal) && message.IndexOf("] ", StringComparison.Ordinal) is var end and > 0)
        {
            if (Enum.TryParse<OrtErrorCode>(message.AsSpan(Prefix.Length, end - Prefix.Length), out var parsed) && parsed != OrtErrorCode.Ok)
            {
                code = parsed;
            }

            message = message[(end + 2)..];
        }

        return new OrtException(code, message, context, e);
    }
}
