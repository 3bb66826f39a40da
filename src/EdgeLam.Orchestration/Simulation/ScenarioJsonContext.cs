using System.Text.Json.Serialization;

namespace EdgeLam.Orchestration.Simulation;

/// <summary>Source-generated JSON (NativeAOT, no reflection) for scenario files; camelCase, comments and trailing commas allowed.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SiteScenario))]
public sealed partial class ScenarioJsonContext : JsonSerializerContext;
