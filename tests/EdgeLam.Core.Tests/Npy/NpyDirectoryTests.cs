using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Testing;

namespace EdgeLam.Core.Tests.Npy;

public sealed class NpyDirectoryTests
{
    [Theory]
    [InlineData("logits")]
    [InlineData("present.0.key")]
    [InlineData("/model/layers.0/Add_output_0")]
    [InlineData("50%/x%2F")]
    public void WriteAllReadAll_TensorName_RoundTrips(string name)
    {
        using var dir = new TempDirectory();
        var array = NpyArray.Create<float>([1f, 2f], [2]);

        NpyDirectory.WriteAll(dir.Path, [new(name, array)]);
        var back = NpyDirectory.ReadAll(dir.Path);

        Assert.Equal([name], back.Keys);
        Assert.Equal(array.Data, back[name].Data);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ReadAll_MissingFolder_ThrowsDirectoryNotFound()
    {
        using var dir = new TempDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => NpyDirectory.ReadAll(dir.Combine("absent")));
    }

    [Fact]
    public void ReadAll_IgnoresOtherFiles()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("README.txt"), "x");
        NpyFile.Write(dir.Combine("a.npy"), new NpyArray(TensorElementType.UInt8, [1], [7]));

        Assert.Equal(["a"], NpyDirectory.ReadAll(dir.Path).Keys);
    }
}
