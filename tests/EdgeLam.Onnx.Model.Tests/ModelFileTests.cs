using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Testing;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model.Tests;

public class ModelFileTests
{
    [Fact]
    public void Load_TinyLlama_KeepsExternalInitializersAsFileReferences()
    {
        var model = ModelFile.Load(SharedModelPaths.TinyLlama);
        var dataFile = Path.Combine(SharedModelPaths.TinyLlamaDirectory, "model.onnx.data");

        var external = model.Graph.Initializer.Where(TensorStorage.IsExternal).ToList();

        Assert.NotEmpty(external);
        Assert.All(external, t => Assert.False(t.HasRawData));
        var files = model.ExternalDataFiles();
        Assert.Equal([dataFile], files.Keys);
        Assert.True(files[dataFile] <= new FileInfo(dataFile).Length);
    }

    [Theory]
    [InlineData("tiny-llama-fp16/model.onnx")]
    [InlineData("bert-toy/bert_toy_optimized.onnx")]
    public void Save_RoundTrip_PreservesGraphAndEveryTensorByte(string relative)
    {
        var source = ModelFile.Load(Path.Combine(TestPaths.SharedModels, relative));
        using var temp = new TempDirectory();
        var target = temp.Combine("copy.onnx");

        var result = ModelWriter.Write(source.Proto, source.BaseDirectory, target, new ModelWriteOptions());
        var copy = ModelFile.Load(target);

        Assert.Equal(temp.Combine("copy.onnx.data"), result.DataPath);
        Assert.Equal(source.Graph.Node, copy.Graph.Node);
        Assert.Equal(source.Graph.Input, copy.Graph.Input);
        Assert.Equal(source.Graph.Output, copy.Graph.Output);
        Assert.Equal(source.Proto.OpsetImport, copy.Proto.OpsetImport);
        Assert.Equal(source.Proto.IrVersion, copy.Proto.IrVersion);
        Assert.Equal(source.Graph.Initializer.Count, copy.Graph.Initializer.Count);
        for (var i = 0; i < source.Graph.Initializer.Count; i++)
        {
            var a = source.Graph.Initializer[i];
            var b = copy.Graph.Initializer[i];
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Dims, b.Dims);
            Assert.Equal(a.DataType, b.DataType);
            Assert.Equal(
                TensorStorage.ReadBytes(a, source.BaseDirectory, 1 << 24),
                TensorStorage.ReadBytes(b, copy.BaseDirectory, 1 << 24));
            Assert.Equal(TensorStorage.ByteLength(b) >= 1024, TensorStorage.IsExternal(b));
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingTheFile()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("absent.onnx");

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Contains("absent.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GarbageBytes_ThrowsModelFormatException()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("garbage.onnx");
        File.WriteAllBytes(path, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);

        Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
    }

    [Fact]
    public void Load_ExternalDataFileMissing_ThrowsNamingTheDataFile()
    {
        using var temp = new TempDirectory();
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        File.WriteAllBytes(temp.Combine("model.onnx"), source.Proto.ToByteArray());

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(temp.Combine("model.onnx")));

        Assert.Contains("model.onnx.data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExternalRangeBeyondFile_ThrowsWithRange()
    {
        using var temp = new TempDirectory();
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(4);
        TensorStorage.SetExternal(tensor, "w.bin", 0, 16);
        proto.Graph.Initializer.Add(tensor);
        File.WriteAllBytes(temp.Combine("w.bin"), new byte[8]);
        File.WriteAllBytes(temp.Combine("m.onnx"), proto.ToByteArray());

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(temp.Combine("m.onnx")));

        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExternalLocationOutsideModelFolder_IsRejected()
    {
        using var temp = new TempDirectory();
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(1);
        TensorStorage.SetExternal(tensor, "../etc/passwd", 0, 4);
        proto.Graph.Initializer.Add(tensor);
        File.WriteAllBytes(temp.Combine("m.onnx"), proto.ToByteArray());

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(temp.Combine("m.onnx")));

        Assert.Contains("outside the model folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TypedFloatData_IsPackedLittleEndianIntoExternalFile()
    {
        using var temp = new TempDirectory();
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(512);
        for (var i = 0; i < 512; i++)
        {
            tensor.FloatData.Add(i * 0.5f);
        }

        proto.Graph.Initializer.Add(tensor);

        ModelWriter.Write(proto, temp.Path, temp.Combine("m.onnx"), new ModelWriteOptions());
        var reloaded = ModelFile.Load(temp.Combine("m.onnx"));
        var bytes = TensorStorage.ReadBytes(reloaded.Graph.Initializer[0], reloaded.BaseDirectory, 1 << 20);

        Assert.True(TensorStorage.IsExternal(reloaded.Graph.Initializer[0]));
        Assert.Equal(2048, bytes.Length);
        Assert.Equal(100 * 0.5f, BitConverter.ToSingle(bytes, 100 * 4));
    }
}
