using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>The binding given bad arguments: each a typed managed exception, never a crash.</summary>
[Collection(nameof(RuntimeCollection))]
public sealed class BadArgumentTests(RuntimeFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static string BertDir => Path.Combine(TestPaths.SharedModels, "bert-toy");

    private static string BertModel => Path.Combine(BertDir, "bert_toy_optimized.onnx");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void OpenSession_MissingModelFile_ThrowsFileNotFound()
    {
        var path = _dir.Combine("absent.onnx");

        var e = Assert.Throws<FileNotFoundException>(() => fixture.Runtime.OpenSession(path));

        Assert.Equal(path, e.FileName);
    }

    [Fact]
    public void OpenSession_RandomBytes_ThrowsOrtExceptionWithOrtCode()
    {
        var path = _dir.Combine("corrupt.onnx");
        var bytes = new byte[4096];
        new Random(1234).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<OrtException>(() => fixture.Runtime.OpenSession(path));

        Assert.NotEqual(OrtErrorCode.Ok, e.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(e.OrtMessage));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSession_EmptyFile_ThrowsOrtException()
    {
        var path = _dir.Combine("empty.onnx");
        File.WriteAllBytes(path, []);

        Assert.Throws<OrtException>(() => fixture.Runtime.OpenSession(path));
    }

    [Fact]
    public void OpenSession_ExternalDataMissing_ThrowsOrtExceptionNamingTheDataFile()
    {
        var path = _dir.Combine("model.onnx");
        File.Copy(Path.Combine(TestPaths.SharedModels, "tiny-llama-fp16", "model.onnx"), path);

        var e = Assert.Throws<OrtException>(() => fixture.Runtime.OpenSession(path));

        Assert.Contains("model.onnx.data", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void OpenSession_NullOrBlankPath_ThrowsArgumentException(string? path)
    {
        Assert.ThrowsAny<ArgumentException>(() => fixture.Runtime.OpenSession(path!));
    }

    [Fact]
    public void Run_WrongInputType_ThrowsOrtInvalidArgument()
    {
        using var session = fixture.Runtime.OpenSession(BertModel);
        var inputs = NpyDirectory.ReadAll(Path.Combine(BertDir, "cases", "full", "inputs"));
        var ids = inputs["input_ids"];
        inputs["input_ids"] = NpyArray.Create<int>([.. ids.AsSpan<long>().ToArray().Select(v => (int)v)], ids.Shape);

        var e = Assert.Throws<OrtException>(() => Run(session, inputs));

        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains("tensor(int32)", e.OrtMessage, StringComparison.Ordinal);
        Assert.Contains("tensor(int64)", e.OrtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrongRank_ThrowsOrtInvalidArgument()
    {
        using var session = fixture.Runtime.OpenSession(BertModel);
        var inputs = NpyDirectory.ReadAll(Path.Combine(BertDir, "cases", "full", "inputs"));
        var ids = inputs["input_ids"];
        inputs["input_ids"] = new NpyArray(TensorElementType.Int64, [ids.ElementCount], ids.Data);

        var e = Assert.Throws<OrtException>(() => Run(session, inputs));

        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains("rank", e.OrtMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Run_UnknownInputName_ThrowsArgumentExceptionListingTheInputs()
    {
        using var session = fixture.Runtime.OpenSession(BertModel);
        using var v = OrtValue.CreateTensor<long>(new long[16], [2, 8]);

        var e = Assert.Throws<ArgumentException>(() => session.Run(["input_idz"], [v], ["seq_relationship_score"]));

        Assert.Contains("input_idz", e.Message, StringComparison.Ordinal);
        Assert.Contains("input_ids", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NullArguments_ThrowArgumentExceptions()
    {
        using var session = fixture.Runtime.OpenSession(BertModel);
        using var v = OrtValue.CreateTensor<long>(new long[16], [2, 8]);

        Assert.ThrowsAny<ArgumentException>(() => session.Run(null!, [v], ["seq_relationship_score"]));
        Assert.ThrowsAny<ArgumentException>(() => session.Run(["input_ids"], null!, ["seq_relationship_score"]));
        Assert.ThrowsAny<ArgumentException>(() => session.Run(["input_ids"], [null!], ["seq_relationship_score"]));
        Assert.ThrowsAny<ArgumentException>(() => session.Run(["input_ids"], [v], []));
        Assert.ThrowsAny<ArgumentException>(() => session.Run(["input_ids", "input_ids"], [v, v], ["seq_relationship_score"]));
        Assert.ThrowsAny<ArgumentException>(() => session.Run(["input_ids"], [v, v], ["seq_relationship_score"]));
    }

    [Fact]
    public void Run_DisposedSession_ThrowsObjectDisposed()
    {
        var session = fixture.Runtime.OpenSession(BertModel);
        using var v = OrtValue.CreateTensor<long>(new long[16], [2, 8]);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(["input_ids"], [v], ["seq_relationship_score"]));
        Assert.Throws<ObjectDisposedException>(() => session.CreateBinding(["input_ids"], ["seq_relationship_score"]));
    }

    [Fact]
    public void Run_DisposedValue_ThrowsObjectDisposed()
    {
        using var session = fixture.Runtime.OpenSession(BertModel);
        var v = OrtValue.CreateTensor<long>(new long[16], [2, 8]);
        v.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(["input_ids"], [v], ["seq_relationship_score"]));
        Assert.Throws<ObjectDisposedException>(() => v.GetBytes());
    }

    [Fact]
    public void OpenSession_DisposedRuntime_ThrowsObjectDisposed()
    {
        var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary });
        runtime.Dispose();

        Assert.Throws<ObjectDisposedException>(() => runtime.OpenSession(BertModel));
    }

    [Fact]
    public void CreateTensor_BufferSmallerThanShape_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor<float>(new float[5], [2, 3]));

        Assert.Contains("24 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTensor_NegativeDimensionOrNullData_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor<float>(new float[6], [-2, 3]));
        Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor(TensorElementType.Float32, 0, 24, [2, 3]));
        Assert.Throws<ArgumentException>(() => OrtValue.Allocate(TensorElementType.String, [1]));
        Assert.Throws<ArgumentNullException>(() => OrtValue.CreateTensor(null!));
    }

    [Fact]
    public void GetData_WrongElementType_ThrowsInvalidOperation()
    {
        using var v = OrtValue.CreateTensor<float>(new float[6], [2, 3]);

        Assert.Throws<InvalidOperationException>(() => v.GetData<long>());
    }

    [Fact]
    public void Create_DifferentLibraryAfterLoad_ThrowsInvalidOperation()
    {
        var other = _dir.Combine("libonnxruntime.so.1");
        File.WriteAllBytes(other, [0x7f, (byte)'E', (byte)'L', (byte)'F']);

        var e = Assert.Throws<InvalidOperationException>(() => OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = other }));

        Assert.Contains("already loaded", e.Message, StringComparison.Ordinal);
    }

    private static OrtValue[] Run(OrtSession session, IReadOnlyDictionary<string, NpyArray> inputs)
    {
        var values = inputs.Values.Select(OrtValue.CreateTensor).ToList();
        try
        {
            return session.Run([.. inputs.Keys], values, [.. session.Outputs.Select(o => o.Name)]);
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }
}
