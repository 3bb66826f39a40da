namespace EdgeLam.Testing;

/// <summary>A clock standing still at <c>now</c>.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
