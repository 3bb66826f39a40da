using System.Text.Json.Serialization;

namespace EdgeLam.Gateway.Cli;

/// <summary>Source-generated JSON for small CLI outputs (NativeAOT-safe).</summary>
[JsonSerializable(typeof(List<long>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
