using System.Text.RegularExpressions;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>How the managed API's error messages become <see cref="OrtErrorCode"/>s, and that the enum is the pinned header's.</summary>
public sealed partial class OrtErrorsTests
{
    [Theory]
    [InlineData("[ErrorCode:InvalidArgument] Got invalid dimensions", OrtErrorCode.InvalidArgument, "Got invalid dimensions")]
    [InlineData("[ErrorCode:NoSuchFile] Load model from x failed", OrtErrorCode.NoSuchFile, "Load model from x failed")]
    [InlineData("[ErrorCode:InvalidGraph] cycle", OrtErrorCode.InvalidGraph, "cycle")]
    [InlineData("[ErrorCode:ShapeInferenceNotRegistered] CUDA failure 35", OrtErrorCode.EpFail, "CUDA failure 35")]
    [InlineData("[ErrorCode:RequirementNotRegistered] canceled", OrtErrorCode.ModelLoadCanceled, "canceled")]
    public void Parse_ManagedApiMessage_GivesNativeCodeAndOrtMessage(string message, OrtErrorCode code, string ortMessage)
    {
        var (parsedCode, parsedMessage) = OrtErrors.Parse(message);

        Assert.Equal(code, parsedCode);
        Assert.Equal(ortMessage, parsedMessage);
    }

    [Theory]
    [InlineData("no prefix at all")]
    [InlineData("[ErrorCode:Ok] odd")]
    [InlineData("[ErrorCode:SomethingNew] later code")]
    [InlineData("[ErrorCode:13] numeric")]
    [InlineData("[ErrorCode:Fail]")]
    public void Parse_UnknownOrMalformed_IsFail(string message)
    {
        var (code, _) = OrtErrors.Parse(message);

        Assert.Equal(OrtErrorCode.Fail, code);
    }

    [Fact]
    public void OrtErrorCode_EveryMember_MatchesPinnedHeaderEnumerator()
    {
        // onnxruntime_error_code.h of the pinned package: enumerators in order from 0 (ORT_OK, ORT_FAIL, ...).
        var header = Path.Combine(Path.GetDirectoryName(TestPaths.OnnxRuntimeLibrary)!, "..", "..", "..", "build", "native", "include", "onnxruntime_error_code.h");
        var text = File.ReadAllText(header);
        var body = text[text.IndexOf("typedef enum OrtErrorCode", StringComparison.Ordinal)..];
        body = body[..body.IndexOf('}', StringComparison.Ordinal)];
        var native = Enumerator().Matches(body).Select(m => m.Groups[1].Value.Replace("_", string.Empty, StringComparison.Ordinal)).ToArray();

        Assert.Equal(native.Length, Enum.GetValues<OrtErrorCode>().Length);
        for (var value = 0; value < native.Length; value++)
        {
            Assert.Equal(native[value], ((OrtErrorCode)value).ToString(), ignoreCase: true);
        }
    }

    [GeneratedRegex(@"^\s*ORT_([A-Z_]+),?\s*$", RegexOptions.Multiline)]
    private static partial Regex Enumerator();
}
