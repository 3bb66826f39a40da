using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// The 2 GB rules, checked with sparse files so no test writes gigabytes: the protobuf itself cannot exceed 2 GB,
/// external tensors beyond 4 GB offsets are reachable, and copying external data does not pull it into managed memory.
/// </summary>
public class LargeModelTests
{
    [Fact]
    public void Load_OnnxFileAboveTwoGigabytes_AsksForExternalData()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("huge.onnx");
        using (var f = new FileStream(path, FileMode.Create))
        {
            f.SetLength((long)int.MaxValue + 4096);
        }

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Contains("2 GB", error.Message, StringComparison.Ordinal);
        Assert.Contains("external data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ExternalTensorBeyondFourGigabytes_IsCopiedExactly()
    {
        using var temp = new TempDirectory();
        const long offset = 5L << 30;
        var payload = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        Directory.CreateDirectory(temp.Combine("src"));
        using (var f = new FileStream(temp.Combine("src", "w.bin"), FileMode.Create))
        {
            f.Position = offset;
            f.Write(payload);
        }

        var proto = ModelWithExternal("w.bin", offset, payload.Length, payload.Length / 4);
        ModelWriter.Write(proto, temp.Combine("src"), temp.Combine("src", "m.onnx"), new ModelWriteOptions());
        var source = ModelFile.Load(temp.Combine("src", "m.onnx"));

        source.Save(temp.Combine("out", "m.onnx"));
        var copy = ModelFile.Load(temp.Combine("out", "m.onnx"));

        Assert.Equal(payload, TensorStorage.ReadBytes(copy.Graph.Initializer[0], copy.BaseDirectory, 1 << 20));
        Assert.True(new FileInfo(temp.Combine("out", "m.onnx.data")).Length < 1 << 20);
    }

    [Fact]
    public void Write_LargeExternalTensor_IsStreamedWithoutBufferingItInManagedMemory()
    {
        using var temp = new TempDirectory();
        const int bytes = 64 << 20;
        Directory.CreateDirectory(temp.Combine("src"));
        using (var f = new FileStream(temp.Combine("src", "w.bin"), FileMode.Create))
        {
            f.SetLength(bytes);
        }

        var proto = ModelWithExternal("w.bin", 0, bytes, bytes / 4);
        var before = GC.GetAllocatedBytesForCurrentThread();

        ModelWriter.Write(proto, temp.Combine("src"), temp.Combine("out", "m.onnx"), new ModelWriteOptions());

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(bytes, new FileInfo(temp.Combine("out", "m.onnx.data")).Length);
        Assert.True(allocated < bytes / 8, $"copying a {bytes}-byte tensor allocated {allocated} managed bytes");
    }

    private static ModelProto ModelWithExternal(string location, long offset, long length, long elements)
    {
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(elements);
        TensorStorage.SetExternal(tensor, location, offset, length);
        proto.Graph.Initializer.Add(tensor);
        proto.Graph.Output.Add(new Graph.TensorType(1, [Graph.Dim.Of(elements)]).ToValueInfo("w"));
        return proto;
    }
}
