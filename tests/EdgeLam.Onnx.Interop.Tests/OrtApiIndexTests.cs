using System.Reflection;
using EdgeLam.Onnx.Interop.Native;

namespace EdgeLam.Onnx.Interop.Tests;

public sealed class OrtApiIndexTests
{
    private static readonly IReadOnlyList<(string Name, int? SinceMinor)> HeaderSlots = OrtApiHeader.Slots();

    public static TheoryData<string, int> UsedSlots()
    {
        var data = new TheoryData<string, int>();
        foreach (var f in typeof(OrtApiIndex).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            data.Add(f.Name, (int)f.GetRawConstantValue()!);
        }

        return data;
    }

    [Fact]
    public void OrtApiHeader_Count_MatchesTheHeaderApiVersion29Layout()
    {
        // Sanity of the independent parser: the first slots and the total of ORT 1.30.0 (API 29).
        Assert.Equal("CreateStatus", HeaderSlots[0].Name);
        Assert.Equal("GetErrorCode", HeaderSlots[1].Name);
        Assert.Equal("ReleaseEnv", HeaderSlots[92].Name);
        Assert.Equal(HeaderSlots.Count, HeaderSlots.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("#define ORT_API_VERSION 29", File.ReadAllText(OrtApiHeader.HeaderPath), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UsedSlots))]
    public void OrtApiIndex_EachUsedFunction_SitsAtTheHeaderSlot(string name, int index)
    {
        var headerIndex = HeaderSlots.Select(s => s.Name).ToList().IndexOf(name);
        Assert.True(headerIndex >= 0, name + " is not a member of struct OrtApi");
        Assert.Equal(headerIndex, index);
    }

    [Theory]
    [MemberData(nameof(UsedSlots))]
    public void OrtApiIndex_EachUsedFunction_ExistsInThePinnedApiVersion(string name, int index)
    {
        // Slots are appended in release order: a slot is available in API N when every annotated slot at or after it is newer than N.
        var firstNewer = HeaderSlots.Select((s, i) => (s, i)).FirstOrDefault(x => x.s.SinceMinor > (int)OrtApiVersion.Pinned, ((string.Empty, null), -1)).Item2;
        Assert.True(firstNewer < 0 || index < firstNewer, name + " (slot " + index + ") is newer than API " + OrtApiVersion.Pinned);
        Assert.True(HeaderSlots[index].SinceMinor is null or <= (int)OrtApiVersion.Pinned);
    }

    [Fact]
    public void OrtApiVersion_Pinned_IsTheLowestVersionWithEverySlotUsed()
    {
        var highest = UsedSlots().Select(r => (int)r[1]).Max();
        var sinceOfHighest = HeaderSlots.Take(highest + 1).Select(s => s.SinceMinor).Where(s => s is not null).Max();
        Assert.Equal((int)OrtApiVersion.Pinned, sinceOfHighest);
    }
}
