namespace EdgeLam.Orchestration.Agreement;

/// <summary>
/// A condition that counts only once it has held without a break for a hold time (pure: <c>now</c> is an argument).
/// A condition that flickers restarts its clock every time it lapses, so it never fires.
/// </summary>
public sealed class Hysteresis(TimeSpan holdFor)
{
    private TimeSpan? _since;

    /// <summary>Since when the condition has held (null while it does not).</summary>
    public TimeSpan? Since => _since;

    /// <summary>Notes whether the condition holds at <paramref name="now"/>; true once it has held for the hold time.</summary>
    public bool Update(bool holds, TimeSpan now)
    {
        if (!holds)
        {
            _since = null;
            return false;
        }

        _since ??= now;
        return now - _since.Value >= holdFor;
    }

    /// <summary>Forgets the condition (after acting on it).</summary>
    public void Reset() => _since = null;
}
