using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

/// <summary>Examples from MQTT 5.0 §4.7.1 (topic wildcards) and §4.7.2 ($-topics).</summary>
public sealed class MqttTopicValidatorTests
{
    [Theory]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "$SYS/broker", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("$SYS/#", "$SYS/broker", true)]
    [InlineData("$share/g/sport/+", "sport/tennis", true)]
    public void Matches_SpecExamples(string filter, string topic, bool expected)
    {
        Assert.Equal(expected, MqttTopicValidator.Matches(filter, topic));
    }

    [Theory]
    [InlineData("sport/tennis#", false)]
    [InlineData("sport/tennis/#/ranking", false)]
    [InlineData("sport+", false)]
    [InlineData("+/tennis/#", true)]
    [InlineData("#", true)]
    [InlineData("", false)]
    public void IsValidTopicFilter_SpecExamples(string filter, bool expected)
    {
        Assert.Equal(expected, MqttTopicValidator.IsValidTopicFilter(filter));
    }

    [Theory]
    [InlineData("a/b", true)]
    [InlineData("a/+", false)]
    [InlineData("a/#", false)]
    [InlineData("", false)]
    public void IsValidTopicName_Wildcards(string topic, bool expected)
    {
        Assert.Equal(expected, MqttTopicValidator.IsValidTopicName(topic));
    }
}
