using System.Text;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Tests.Topics;

public sealed class PromptRequestMessageTests
{
    [Fact]
    public void TryDecode_ValidRequest_ReadsEveryField()
    {
        var ok = PromptRequestMessage.TryDecode("""{"id":"r-1","promptIds":[11,57],"maxTokens":8,"stop":[2]}"""u8, 64, out var request, out var id, out var problem);

        Assert.True(ok, problem);
        Assert.Equal("r-1", id);
        Assert.Equal([11L, 57L], request!.PromptIds);
        Assert.Equal(8, request.MaxTokens);
        Assert.Equal([2L], request.Stop);
    }

    [Theory]
    [InlineData("{ not json", null, "bad JSON")]
    [InlineData("null", null, "bad JSON")]
    [InlineData("""{"promptIds":[1],"maxTokens":1}""", null, "id must be")]
    [InlineData("""{"id":"a/b","promptIds":[1],"maxTokens":1}""", null, "id must be")]
    [InlineData("""{"id":"r","promptIds":[],"maxTokens":1}""", "r", "promptIds is empty")]
    [InlineData("""{"id":"r","maxTokens":1}""", "r", "promptIds is empty")]
    [InlineData("""{"id":"r","promptIds":[1],"maxTokens":0}""", "r", "maxTokens must be at least 1")]
    [InlineData("""{"id":"r","promptIds":[1,2,3],"maxTokens":62}""", "r", "promptIds (3) + maxTokens (62) exceed the context limit of 64 positions")]
    public void TryDecode_BadRequest_ProblemNamesTheFieldAndIdWhenReadable(string json, string? expectedId, string expected)
    {
        var ok = PromptRequestMessage.TryDecode(Encoding.UTF8.GetBytes(json), 64, out var request, out var id, out var problem);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Equal(expectedId, id);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
