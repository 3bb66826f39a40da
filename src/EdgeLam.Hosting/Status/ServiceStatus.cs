namespace EdgeLam.Hosting.Status;

/// <summary>
/// The one-line state shown in systemd's STATUS= and the status summary. Components post what they wait for
/// (<c>Set("model", "waiting for model assignment")</c>) and clear it when done.
/// </summary>
public sealed class ServiceStatus
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, string> _waits = new(StringComparer.Ordinal);
    private string _phase = "starting";
    private string? _summary;

    /// <summary>Raised (outside the lock) with the new line whenever it changes.</summary>
    public event Action<string>? Changed;

    /// <summary><c>running</c> (or the running summary), or the waits joined with "; ".</summary>
    public string Line
    {
        get
        {
            lock (_gate)
            {
                return Describe();
            }
        }
    }

    /// <summary>Sets the phase shown when nothing is awaited (starting, running, reloading, stopping).</summary>
    public void SetPhase(string phase) => Update(() => _phase = phase);

    /// <summary>
    /// The one-line summary shown instead of <c>running</c> while nothing is awaited (the node's role, model and
    /// counters); null shows <c>running</c>. A change that only touches the summary is
    /// <see cref="IsSummaryChange"/> (SystemdStatusService sends it as STATUS without logging it).
    /// </summary>
    public void SetSummary(string? summary) => Update(() => _summary = summary);

    /// <summary>Whether <paramref name="line"/> is the running summary (not a phase or a wait).</summary>
    public bool IsSummaryChange(string line)
    {
        lock (_gate)
        {
            return _summary is not null && line == _summary;
        }
    }

    /// <summary>Records what <paramref name="component"/> waits for; null clears it.</summary>
    public void Set(string component, string? waitingFor) => Update(() =>
    {
        if (waitingFor is null)
        {
            _waits.Remove(component);
        }
        else
        {
            _waits[component] = waitingFor;
        }
    });

    private void Update(Action change)
    {
        string before, after;
        lock (_gate)
        {
            before = Describe();
            change();
            after = Describe();
        }

        if (before != after)
        {
            Changed?.Invoke(after);
        }
    }

    private string Describe() =>
        _waits.Count == 0 && _phase == "running" && _summary is not null ? _summary :
        _waits.Count == 0 || _phase is "stopping" ? _phase : _phase == "running" ? string.Join("; ", _waits.Values) : _phase + ": " + string.Join("; ", _waits.Values);
}
