using EdgeLam.Core.Tensors;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

[Collection(nameof(RuntimeCollection))]
public sealed class ElementTypeTests(RuntimeFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<TensorElementType> Types() =>
        [TensorElementType.Float32, TensorElementType.Float16, TensorElementType.BFloat16, TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Int8, TensorElementType.UInt8, TensorElementType.Bool];

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(Types))]
    public void OrtSession_IdentityOfEachType_ReportsTypeAndSymbolicShape(TensorElementType type)
    {
        using var session = Open(type);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal(type, input.ElementType);
        Assert.Equal([-1L, 3], input.Shape);
        Assert.Equal(["n", string.Empty], input.SymbolicDimensions);
        Assert.Equal(type, Assert.Single(session.Outputs).ElementType);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Run_IdentityOfEachTypeOverCallerMemory_ReturnsTheSameBytes(TensorElementType type)
    {
        using var session = Open(type);
        var bytes = RandomBytes(type, 2 * 3);

        using var typed = OrtValue.CreateTensor(new Core.Npy.NpyArray(type, [2, 3], bytes));
        var outputs = session.Run(["x"], [typed], ["y"]);
        using var y = Assert.Single(outputs);

        Assert.Equal(OrtValueOwnership.OrtAllocated, y.Ownership);
        Assert.Equal(type, y.ElementType);
        Assert.Equal([2L, 3], y.Shape.ToArray());
        Assert.Equal(bytes, y.GetBytes().ToArray());
    }

    [Fact]
    public void Run_PinnedManagedInput_IsNotCopied()
    {
        using var session = Open(TensorElementType.Float32);
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        using var x = OrtValue.CreateTensor<float>(data, [2, 3]);

        data[4] = 42f;
        using var y = Assert.Single(session.Run(["x"], [x], ["y"]));

        Assert.Equal(42f, y.GetData<float>()[4]);
        Assert.Equal(OrtValueOwnership.PinnedManaged, x.Ownership);
    }

    [Fact]
    public unsafe void Run_NativeCallerMemoryAndPreallocatedOutput_WritesIntoTheOutput()
    {
        using var session = Open(TensorElementType.Int64);
        var native = (long*)System.Runtime.InteropServices.NativeMemory.Alloc(6 * sizeof(long));
        try
        {
            for (var i = 0; i < 6; i++)
            {
                native[i] = (i * 1_000_000_007L) - 3;
            }

            using var x = OrtValue.CreateTensor(TensorElementType.Int64, (nint)native, 6 * sizeof(long), [2, 3]);
            using var y = OrtValue.Allocate(TensorElementType.Int64, [2, 3]);

            session.Run(["x"], [x], ["y"], [y]);

            Assert.Equal(OrtValueOwnership.CallerMemory, x.Ownership);
            Assert.Equal(new ReadOnlySpan<long>(native, 6).ToArray(), y.GetData<long>().ToArray());
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(native);
        }
    }

    [Fact]
    public void RunBinding_Preallocated_AllocatesNoManagedMemoryPerRun()
    {
        using var session = Open(TensorElementType.Float32);
        var input = new float[] { 1, 2, 3, 4, 5, 6 };
        using var x = OrtValue.CreateTensor<float>(input, [2, 3]);
        using var y = OrtValue.Allocate(TensorElementType.Float32, [2, 3]);
        using var binding = session.CreateBinding(["x"], ["y"]);
        binding.BindInput("x", x);
        binding.BindOutput(0, y);
        for (var i = 0; i < 5; i++)
        {
            binding.Run();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            input[0] = i;
            binding.Run();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(99f, y.GetData<float>()[0]);
        Assert.Equal(input, y.GetData<float>().ToArray());
    }

    [Fact]
    public void RunBinding_UnboundOutput_Throws()
    {
        using var session = Open(TensorElementType.Float32);
        using var x = OrtValue.CreateTensor<float>(new float[6], [2, 3]);
        using var binding = session.CreateBinding(["x"], ["y"]);
        binding.BindInput(0, x);

        var e = Assert.Throws<InvalidOperationException>(() => binding.Run());

        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TerminatedRunOptions_ThrowsOrtExceptionAndResetAllowsRunning()
    {
        using var session = Open(TensorElementType.Float32);
        using var x = OrtValue.CreateTensor<float>(new float[] { 1, 2, 3 }, [1, 3]);
        using var runOptions = new OrtRunOptions();

        runOptions.Terminate();
        var e = Assert.Throws<OrtException>(() => session.Run(["x"], [x], ["y"], runOptions));
        runOptions.ResetTerminate();
        using var y = Assert.Single(session.Run(["x"], [x], ["y"], runOptions));

        Assert.Contains("terminat", e.OrtMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([1f, 2f, 3f], y.GetData<float>().ToArray());
    }

    [Fact]
    public void Run_ZeroSizedTensor_Works()
    {
        using var session = Open(TensorElementType.Float16);
        using var x = OrtValue.CreateTensor(new Core.Npy.NpyArray(TensorElementType.Float16, [0, 3], []));

        using var y = Assert.Single(session.Run(["x"], [x], ["y"]));

        Assert.Equal([0L, 3], y.Shape.ToArray());
        Assert.Equal(0, y.ByteLength);
    }

    private OrtSession Open(TensorElementType type)
    {
        var path = _dir.Combine("identity-" + type + ".onnx");
        File.WriteAllBytes(path, TinyOnnx.Identity(type));
        return fixture.Runtime.OpenSession(path);
    }

    private static byte[] RandomBytes(TensorElementType type, int count)
    {
        var bytes = new byte[count * type.SizeInBytes()];
        new Random((int)type).NextBytes(bytes);
        if (type == TensorElementType.Bool)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }

        return bytes;
    }
}
