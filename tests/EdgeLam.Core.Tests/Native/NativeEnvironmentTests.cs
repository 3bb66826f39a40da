using EdgeLam.Core.Native;

namespace EdgeLam.Core.Tests.Native;

public sealed class NativeEnvironmentTests
{
    [Fact]
    public void Set_Variable_IsVisibleToNativeGetenvAndToDotnet()
    {
        var name = "EDGELAM_TEST_" + Guid.NewGuid().ToString("N");

        NativeEnvironment.Set(name, "on");

        Assert.Equal("on", NativeEnvironment.Get(name));
        Assert.Equal("on", Environment.GetEnvironmentVariable(name));
    }

    [Fact]
    public void Get_UnsetVariable_IsNull()
    {
        Assert.Null(NativeEnvironment.Get("EDGELAM_TEST_UNSET_" + Guid.NewGuid().ToString("N")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A=B")]
    [InlineData("A\0B")]
    public void Set_InvalidName_Throws(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => NativeEnvironment.Set(name, "x"));
    }
}
