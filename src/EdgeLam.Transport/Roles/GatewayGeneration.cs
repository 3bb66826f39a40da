namespace EdgeLam.Transport.Roles;

/// <summary>One step as the gateway saw it; <paramref name="ReturnUs"/> is the reply's hop back from the last stage (µs, 0 when unknown).</summary>
public sealed record GatewayStep(uint Step, long Token, TimeSpan Elapsed, IReadOnlyList<StageTiming> Stages, long ReturnUs = 0);

/// <summary>A finished request: its conversation (the last one, if it was re-homed), tokens and steps.</summary>
public sealed record GatewayGeneration(Guid Conversation, ulong Request, IReadOnlyList<long> Tokens, IReadOnlyList<GatewayStep> Steps, RequestWindow? Window = null);
