using System.Text.Json.Serialization;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>Source-generated JSON (NativeAOT, no reflection) for the agreement's messages: the plan and a node's ack.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(AgreedPlan))]
[JsonSerializable(typeof(PlanAck))]
public sealed partial class AgreementJsonContext : JsonSerializerContext;
