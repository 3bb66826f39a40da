using Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>The one path from the official API's <see cref="OnnxRuntimeException"/> to our <see cref="OrtException"/>.</summary>
internal static class OrtErrors
{
    private const string Prefix = "[ErrorCode:";

    /// <summary>Our exception for <paramref name="e"/>, prefixed with what was being done (e.g. the model path).</summary>
    public static OrtException From(OnnxRuntimeException e, string context)
    {
        var (code, message) = Parse(e.Message);
        return new OrtException(code, message, context, e);
    }

    /// <summary>
    /// The native code and ORT's own message in a managed API message, which reads <c>[ErrorCode:&lt;name&gt;] &lt;message&gt;</c>
    /// and keeps the code only there. The name comes from the managed API's enum, which has the native numbers but still
    /// names 11 and 12 after codes ONNX Runtime has since renamed (1.32.0: <c>ORT_EP_FAIL</c>, <c>ORT_MODEL_LOAD_CANCELED</c>).
    /// Anything else is <see cref="OrtErrorCode.Fail"/> with the whole message.
    /// </summary>
    internal static (OrtErrorCode Code, string Message) Parse(string message)
    {
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || message.IndexOf("] ", StringComparison.Ordinal) is not (var end and > 0))
        {
            return (OrtErrorCode.Fail, message);
        }

        var name = message.AsSpan(Prefix.Length, end - Prefix.Length);
        var code = name switch
        {
            "ShapeInferenceNotRegistered" => OrtErrorCode.EpFail,
            "RequirementNotRegistered" => OrtErrorCode.ModelLoadCanceled,
            _ when !int.TryParse(name, out _) && Enum.TryParse<OrtErrorCode>(name, out var parsed) && parsed != OrtErrorCode.Ok => parsed,
            _ => OrtErrorCode.Fail,
        };
        return (code, message[(end + 2)..]);
    }
}
