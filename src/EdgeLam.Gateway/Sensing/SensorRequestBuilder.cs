using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// Turns a group of sensor windows (at most one per stream) into a <see cref="GatewayRequest"/>: the prompt ids,
/// then per stream in configuration order its separator (<c>SEP_k</c>) and either its Chronos token ids
/// (<see cref="TokenSequence"/>) or its patch encoder's embedding rows (hidden size = the model's), with the
/// <see cref="RequestWindow"/> metadata and a request id (<see cref="NewRequestId"/>). Only ids and embeddings leave
/// this class; sensor values never do.
/// </summary>
public sealed class SensorRequestBuilder : IDisposable
{
    private readonly SensorTokenizer _tokenizer;
    private readonly ChronosTokenizerOptions _chronos;
    private readonly IReadOnlyList<string> _order;
    private readonly Dictionary<string, string> _tokenizers;
    private readonly HashSet<string> _epochStreams;
    private readonly long[] _prompt;
    private readonly TimeProvider _time;

    /// <summary>A builder for <paramref name="streams"/> (name → tokenizer) in separator order <paramref name="order"/>.</summary>
    /// <param name="tokenizer">Tokenizes windows; its encoder factory must give rows of the model's hidden size.</param>
    /// <param name="order">Every configured stream in configuration order (a stream's index selects its separator).</param>
    /// <param name="streams">The streams that make requests and their tokenizer (<c>chronos</c> or <c>patch</c>).</param>
    /// <param name="epochStreams">Streams whose timestamps are Unix-epoch ns (replay and MQTT readings); others are monotonic.</param>
    /// <param name="promptIds">Ids placed before the streams.</param>
    /// <param name="time">Wall clock for the window's UTC range.</param>
    public SensorRequestBuilder(SensorTokenizer tokenizer, IReadOnlyList<string> order, IReadOnlyDictionary<string, string> streams, IReadOnlyCollection<string>? epochStreams = null, IReadOnlyList<long>? promptIds = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(streams);
        _tokenizer = tokenizer;
        _chronos = tokenizer.Options.Chronos;
        _order = [.. order];
        _tokenizers = new Dictionary<string, string>(streams, StringComparer.Ordinal);
        foreach (var (name, kind) in _tokenizers)
        {
            if (kind is not ("chronos" or "patch"))
            {
                throw new ArgumentException("Stream '" + name + "' uses tokenizer '" + kind + "'; chronos or patch make model input.", nameof(streams));
            }

            if (!_order.Contains(name))
            {
                throw new ArgumentException("Stream '" + name + "' is not in the stream order.", nameof(streams));
            }
        }

        _epochStreams = new HashSet<string>(epochStreams ?? [], StringComparer.Ordinal);
        _prompt = [.. promptIds ?? []];
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The streams that make requests, in separator order.</summary>
    public IReadOnlyList<string> Streams => [.. _order.Where(_tokenizers.ContainsKey)];

    /// <summary>
    /// Opens the builder for the sensor runtime's streams (all, or <see cref="SensorRequestOptions.Streams"/>) with
    /// the default or configured patch encoder projecting to <paramref name="modelHidden"/> values per row
    /// (<paramref name="runtime"/> runs it; without one, patch streams fail their requests).
    /// </summary>
    public static SensorRequestBuilder Create(SensorRuntime sensors, SensorRequestOptions options, OnnxRuntime? runtime, int modelHidden, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(options);
        var selected = sensors.Streams.Where(s => options.Streams.Count == 0 || options.Streams.Contains(s.Name)).ToList();
        var configured = sensors.Options.Tokenizer;
        var patch = new PatchOptions
        {
            PatchLength = configured.Patch.PatchLength,
            HiddenSize = modelHidden > 0 ? modelHidden : configured.Patch.HiddenSize,
            Seed = configured.Patch.Seed,
            EncoderPath = configured.Patch.EncoderPath,
        };
        var tokenizer = new SensorTokenizer(
            new TokenizerOptions { Chronos = configured.Chronos, Patch = patch },
            runtime is null ? null : width => OnnxPatchEncoder.Open(patch, width, options.EncoderCacheDirectory, runtime));
        var epoch = selected.Where(s => sensors.Options.Devices.TryGetValue(s.Options.Device, out var d) && d.Driver is "replay" or "mqtt").Select(s => s.Name).ToList();
        return new SensorRequestBuilder(tokenizer, sensors.StreamOrder, selected.ToDictionary(s => s.Name, s => s.Options.Tokenizer), epoch, options.PromptIds, time);
    }

    /// <summary>True when <paramref name="stream"/> makes requests.</summary>
    public bool Takes(string stream) => _tokenizers.ContainsKey(stream);

    /// <summary>Tokenizes <paramref name="windows"/> (one per stream, any order) into a request.</summary>
    /// <exception cref="ArgumentException">A window of a stream this builder does not take, or two of one stream.</exception>
    public SensorRequest Build(IReadOnlyList<SensorWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0)
        {
            throw new ArgumentException("No windows.", nameof(windows));
        }

        var ordered = windows.OrderBy(w => IndexOf(w.Stream)).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (!_tokenizers.ContainsKey(ordered[i].Stream) || (i > 0 && ordered[i - 1].Stream == ordered[i].Stream))
            {
                throw new ArgumentException("Window of stream '" + ordered[i].Stream + "' is not one of one per selected stream.", nameof(windows));
            }
        }

        var ids = new List<long>(_prompt);
        var tokens = new List<WindowTokens>(ordered.Count);
        var streams = new List<RequestStream>(ordered.Count);
        var parts = new List<GatewayInputPart>();
        foreach (var window in ordered)
        {
            var kind = _tokenizers[window.Stream];
            var result = _tokenizer.Tokenize(window, kind);
            tokens.Add(result);
            int positions;
            if (result.Tokens is { } chronos)
            {
                // TokenSequence gives SEP_k then the stream's ids, as for a sequence of chronos streams alone.
                var sequence = TokenSequence.Build([], [chronos], _chronos, _order);
                ids.AddRange(sequence.Ids.Select(id => (long)id));
                positions = sequence.Ids.Length;
            }
            else
            {
                var patch = result.Patch!;
                if (patch.Embeddings is null)
                {
                    throw new InvalidOperationException("Stream '" + window.Stream + "' has no patch encoder.");
                }

                ids.Add(Separator(window.Stream));
                parts.Add(new GatewayInputPart([.. ids], null, ids.Count));
                ids.Clear();
                parts.Add(new GatewayInputPart(null, patch.Embeddings, patch.Patches));
                positions = 1 + patch.Patches;
            }

            streams.Add(new RequestStream { Name = window.Stream, Tokenizer = kind, Positions = positions, Sequence = window.Sequence, StartNs = window.StartNs, EndNs = window.EndNs });
        }

        if (ids.Count > 0)
        {
            parts.Add(new GatewayInputPart([.. ids], null, ids.Count));
        }

        var request = new GatewayRequest { Window = Describe(ordered, streams), Id = NewRequestId() };
        foreach (var part in parts.Where(p => p.Positions > 0))
        {
            if (part.Embeddings is { } rows)
            {
                request.AddEmbeddings(rows, part.Positions);
            }
            else
            {
                request.AddTokens(part.Ids!);
            }
        }

        return new SensorRequest(request, tokens);
    }

    /// <inheritdoc />
    public void Dispose() => _tokenizer.Dispose();

    /// <summary>
    /// A sensor request's id: <c>s</c> and a time-ordered UUID (version 7, 32 hex digits), stable from the window to
    /// every result (also after the request waited in the offline queue), so subscribers can deduplicate.
    /// </summary>
    public string NewRequestId() => "s" + Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");

    private RequestWindow Describe(List<SensorWindow> windows, List<RequestStream> streams)
    {
        // One reading of both clocks per request, so every time of the request maps with the same offset.
        var nowUtc = _time.GetUtcNow();
        var nowNs = MonotonicClock.NowNs;
        var start = long.MaxValue;
        var end = long.MinValue;
        var startUtc = DateTimeOffset.MaxValue;
        var endUtc = DateTimeOffset.MinValue;
        foreach (var w in windows)
        {
            var epoch = _epochStreams.Contains(w.Stream);
            var (s, e) = epoch ? (w.StartNs - EpochNs(nowUtc) + nowNs, w.EndNs - EpochNs(nowUtc) + nowNs) : (w.StartNs, w.EndNs);
            start = Math.Min(start, s);
            end = Math.Max(end, e);
            var su = epoch ? DateTimeOffset.UnixEpoch.AddTicks(w.StartNs / 100) : ToUtc(w.StartNs, nowUtc, nowNs);
            var eu = epoch ? DateTimeOffset.UnixEpoch.AddTicks(w.EndNs / 100) : ToUtc(w.EndNs, nowUtc, nowNs);
            startUtc = su < startUtc ? su : startUtc;
            endUtc = eu > endUtc ? eu : endUtc;
        }

        return new RequestWindow { StartNs = start, EndNs = end, StartUtc = startUtc, EndUtc = endUtc, Streams = streams };
    }

    /// <summary>Monotonic ns → UTC: the clock's epoch (now − monotonic now) plus the timestamp, each in whole 100 ns ticks.</summary>
    private static DateTimeOffset ToUtc(long ns, DateTimeOffset nowUtc, long nowNs) =>
        nowUtc.AddTicks(-(nowNs / 100)).AddTicks(ns / 100);

    private static long EpochNs(DateTimeOffset utc) => (utc - DateTimeOffset.UnixEpoch).Ticks * 100;

    private long Separator(string stream)
    {
        var index = IndexOf(stream);
        if (index >= _chronos.MaxStreams)
        {
            throw new ArgumentException("Stream '" + stream + "' has no separator (index " + index + ", MaxStreams " + _chronos.MaxStreams + ").", nameof(stream));
        }

        return _chronos.TokenOffset + _chronos.FirstSeparatorId + index;
    }

    private int IndexOf(string stream)
    {
        for (var i = 0; i < _order.Count; i++)
        {
            if (_order[i] == stream)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}

/// <summary>A request made from sensor windows, with what each window became (for logs, the CLI and tests).</summary>
public sealed record SensorRequest(GatewayRequest Request, IReadOnlyList<WindowTokens> Tokens);
