using System.Text;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Mqtt;
using EdgeLam.Sensors.Replay;

namespace EdgeLam.Sensors.Tests.Sources;

public class MqttAndReplayTests
{
    [Fact]
    public void Parse_FullReading_ReturnsValues()
    {
        var ok = MqttReadingParser.TryParse("""{"ts": 1732270000.25, "channel": "temp", "value": 21.5, "unit": "degC", "extra": {"a": [1, 2]}}"""u8, out var r, out var error);

        Assert.True(ok, error);
        Assert.Equal(1_732_270_000_250_000_000, r.TimestampNs);
        Assert.Equal("temp", r.Channel);
        Assert.Equal(21.5, r.Value);
        Assert.Equal("degC", r.Unit);
    }

    [Fact]
    public void Parse_NullValue_IsDropout()
    {
        Assert.True(MqttReadingParser.TryParse("""{"ts":1,"channel":"x","value":null}"""u8, out var r, out _));
        Assert.True(double.IsNaN(r.Value));
        Assert.Equal(string.Empty, r.Unit);
    }

    [Theory]
    [InlineData("""{"channel":"x","value":1}""", "needs")]
    [InlineData("""{"ts":"now","channel":"x","value":1}""", "'ts'")]
    [InlineData("""{"ts":1,"channel":"","value":1}""", "'channel'")]
    [InlineData("""{"ts":1,"channel":"x","value":"hot"}""", "'value'")]
    [InlineData("""{"ts":1,"channel":"x","value":1""", "malformed")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"ts":1,"channel":"x","value":-1e309}""", "'value'")]
    [InlineData("""{"ts":1,"channel":"\ud800","value":1}""", "malformed")]
    [InlineData("""{"ts":1,"channel":"x","value":1,"unit":"\udfff"}""", "malformed")]
    [InlineData("""{"ts":-5,"channel":"x","value":1}""", "out of range")]
    public void Parse_BadMessages_RejectedWithReason(string json, string reason)
    {
        Assert.False(MqttReadingParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverMqttWithoutTs_StampedWithArrival()
    {
        const long Arrival = 1_732_270_000_123_456_789;

        Assert.True(MqttReadingParser.TryParse("""{"channel":"temp","value":21.5,"unit":"degC"}"""u8, Arrival, out var r, out var error), error);

        Assert.Equal(new SensorReading(Arrival, "temp", 21.5, "degC"), r);
    }

    [Fact]
    public void Parse_OverMqttWithTs_KeepsTheDevicesTime()
    {
        Assert.True(MqttReadingParser.TryParse("""{"ts":1732270000.5,"channel":"temp","value":1}"""u8, 42, out var r, out _));

        Assert.Equal(1_732_270_000_500_000_000, r.TimestampNs);
    }

    [Theory]
    [InlineData("""{"value":1}""", "'channel'")]
    [InlineData("""{"channel":"x"}""", "'value'")]
    [InlineData("""{"ts":null,"channel":"x","value":1}""", "'ts'")]
    [InlineData("""{"ts":1e12,"channel":"x","value":1}""", "out of range")]
    [InlineData("""{"channel":"x","value":[1]}""", "'value'")]
    [InlineData("""{"channel":"x","value":1,"unit":5}""", "'unit'")]
    [InlineData("21.5", "not a JSON object")]
    [InlineData("", "malformed")]
    [InlineData("\u00ff\u00fe", "malformed")]
    public void Parse_OverMqttBadMessages_RejectedWithReason(string json, string reason)
    {
        Assert.False(MqttReadingParser.TryParse(Encoding.UTF8.GetBytes(json), 1, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void MqttSource_QueuesKnownChannelsAndRejectsOthers()
    {
        var source = new MqttReadingSource("peer", ["temp"], capacity: 2);
        var sink = new ListSink();

        Assert.True(source.TryAccept("""{"ts":1,"channel":"temp","value":20}"""u8, 0, out _));
        Assert.False(source.TryAccept("""{"ts":2,"channel":"hum","value":50}"""u8, 0, out _));
        Assert.False(source.TryAccept("not json"u8, 0, out _));
        source.TryAccept("""{"ts":3,"channel":"temp","value":21}"""u8, 0, out _);
        source.TryAccept("""{"ts":4,"channel":"temp","value":22}"""u8, 0, out _);

        Assert.Equal(2, source.DrainTo(sink)); // bounded: oldest dropped
        Assert.Equal([21.0, 22.0], sink.Readings.Select(r => r.Value));
        Assert.Equal(2, source.Rejected);
    }

    [Theory]
    [InlineData("21.5", 21.5)]
    [InlineData(" -3e-2\n", -0.03)]
    [InlineData("7", 7.0)]
    public void ParseNumber_BareNumber_ReadingOfTheTopicChannelAtArrival(string payload, double expected)
    {
        Assert.True(MqttReadingParser.TryParseNumber(Encoding.UTF8.GetBytes(payload), "temp", 1_732_270_000_000_000_123, out var r, out var error), error);

        Assert.Equal(expected, r.Value);
        Assert.Equal("temp", r.Channel);
        Assert.Equal(1_732_270_000_000_000_123, r.TimestampNs);
        Assert.Equal(string.Empty, r.Unit);
    }

    [Fact]
    public void ParseNumber_Null_IsDropout()
    {
        Assert.True(MqttReadingParser.TryParseNumber("null"u8, "temp", 5, out var r, out _));
        Assert.True(double.IsNaN(r.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hot")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("1,5")]
    [InlineData("0x10")]
    [InlineData("{\"value\":1}")]
    public void ParseNumber_NotOneFiniteNumber_RejectedWithReason(string payload)
    {
        Assert.False(MqttReadingParser.TryParseNumber(Encoding.UTF8.GetBytes(payload), "temp", 5, out _, out var error));
        Assert.Contains("number or null", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MqttSource_UnitOtherThanTheChannels_RejectedMatchingOrMissingUnitAccepted()
    {
        var source = new MqttReadingSource("peer", [new SensorChannel("temp", "degC")]);

        Assert.False(source.TryAccept("""{"ts":1,"channel":"temp","value":70,"unit":"degF"}"""u8, 0, out var error));
        Assert.Contains("'degF'", error, StringComparison.Ordinal);
        Assert.Contains("'degC'", error, StringComparison.Ordinal);
        Assert.True(source.TryAccept("""{"ts":2,"channel":"temp","value":21,"unit":"degC"}"""u8, 0, out _));
        Assert.True(source.TryAccept(new SensorReading(3, "temp", 22, string.Empty), out _));
        Assert.False(source.TryAccept(new SensorReading(4, "hum", 50, string.Empty), out error));
        Assert.Contains("no channel 'hum'", error, StringComparison.Ordinal);

        var sink = new ListSink();
        Assert.Equal(2, source.DrainTo(sink));
        Assert.Equal([21.0, 22.0], sink.Readings.Select(r => r.Value));
        Assert.Equal(2, source.Accepted);
        Assert.Equal(2, source.Rejected);
    }

    [Fact]
    public void Csv_WithHeaderAndBadLines_ParsesGoodLinesSortedAndReportsBad()
    {
        var file = ReplayFile.ParseCsv(
        [
            "ts,channel,value,unit",
            "2.5,temp,21.5,degC",
            "1.0,temp,20.0,degC",
            "x,temp,1,degC",
            "3.0,temp,,degC",
            "4.0,temp,abc,degC",
        ]);

        Assert.Equal([1.0, 2.5, 3.0], file.Readings.Select(r => r.TimestampNs / 1e9));
        Assert.True(double.IsNaN(file.Readings[2].Value));
        Assert.Equal(2, file.Errors.Count);
        Assert.Contains("line 4", file.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLines_ParsesEveryLineLikeMqtt()
    {
        var file = ReplayFile.ParseJsonLines(["""{"ts":2,"channel":"a","value":1}""", "", """{"ts":1,"channel":"a","value":0}""", "{oops"]);

        Assert.Equal([0.0, 1.0], file.Readings.Select(r => r.Value));
        Assert.Single(file.Errors);
    }

    [Fact]
    public void Player_AcceleratedSpeed_ScalesDueTimes()
    {
        var file = ReplayFile.ParseCsv(["ts,channel,value", "10,a,1", "11,a,2", "14,a,3"]);

        Assert.Equal(0, new ReplayPlayer(file, 10).DueOffsetNs(0));
        Assert.Equal(400_000_000, new ReplayPlayer(file, 10).DueOffsetNs(2));
        Assert.Equal(4_000_000_000, new ReplayPlayer(file, 1).DueOffsetNs(2));
        Assert.Equal(0, new ReplayPlayer(file, 0).DueOffsetNs(2));
    }

    [Fact]
    public async Task Player_AsFastAsPossible_DeliversAllWithRecordedTimestamps()
    {
        var file = ReplayFile.ParseCsv(["ts,channel,value", "10,a,1", "11,a,2", "14,a,3"]);
        var sink = new ListSink();

        await new ReplayPlayer(file, 0).PlayAsync(sink, CancellationToken.None);

        Assert.Equal([10_000_000_000L, 11_000_000_000, 14_000_000_000], sink.Readings.Select(r => r.TimestampNs));
    }

    private sealed class ListSink : IReadingSink
    {
        public List<SensorReading> Readings { get; } = [];

        public void OnReading(in SensorReading reading) => Readings.Add(reading);
    }
}
