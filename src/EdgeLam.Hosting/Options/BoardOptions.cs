using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

/// <summary>Section <c>Board</c>: the board profile merged from <c>boards/NAME.json</c> (Sensors, Onnx and Memory
/// sections belong to their owners' options).</summary>
public sealed class BoardOptions
{
    public const string Section = "Board";

    public string Name { get; init; } = BoardProfiles.BuiltInBoard;

    public static BoardOptions Bind(ConfigReader r) => new() { Name = r.String(BoardProfiles.NameKey, BoardProfiles.BuiltInBoard) };
}
