using EdgeLam.Sensors.Configuration;
using EdgeLam.Testing;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Sensors.Tests.Configuration;

public class SensorsOptionsTests
{
    [Theory]
    [InlineData("sim")]
    [InlineData("rpi4")]
    [InlineData("rpi5")]
    [InlineData("jetson-orin-nano")]
    public void BoardProfile_EachShippedBoard_LoadsAndValidates(string board)
    {
        var profile = BoardProfile.Load(Path.Combine(TestPaths.RepoRoot, "boards", board + ".json"));

        Assert.Equal(board, profile.Board.Name);
        Assert.Empty(SensorsOptionsValidator.Validate(profile.Sensors));
        Assert.Contains("CPU", profile.Onnx.Providers);
        Assert.True(profile.MemoryBudgetMb > 0);
        Assert.True(profile.Onnx.IntraOpThreads > 0);
        Assert.All(profile.Sensors.Buses.Values, b => Assert.True(b.Simulated));
        Assert.Equal("bme280", profile.Sensors.Devices["env"].Driver);
        Assert.Equal(["temperature", "humidity"], profile.Sensors.Streams["env"].Channels);
    }

    [Fact]
    public void BoardProfile_Jetson_PrefersCuda()
    {
        var profile = BoardProfile.Load(Path.Combine(TestPaths.RepoRoot, "boards", "jetson-orin-nano.json"));

        Assert.Equal(["CUDA", "CPU"], profile.Onnx.Providers);
    }

    [Fact]
    public void Locate_ByNameFromRepository_FindsBoardsFolder()
    {
        var path = BoardProfile.Locate("rpi5", [Path.Combine(TestPaths.RepoRoot, "boards")]);

        Assert.NotNull(path);
        Assert.EndsWith(Path.Combine("boards", "rpi5.json"), path, StringComparison.Ordinal);
        Assert.Null(BoardProfile.Locate("no-such-board", []));
        Assert.Null(BoardProfile.Locate("../etc/passwd", []));
    }

    [Fact]
    public void BoardProfile_BrokenJson_ThrowsBoardProfileException()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.json");
        File.WriteAllText(path, "{ \"Sensors\": { ");

        Assert.Throws<BoardProfileException>(() => BoardProfile.Load(path));
    }

    [Fact]
    public void Bind_FromInMemoryConfiguration_FillsNestedDictionaries()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sensors:Seed"] = "7",
            ["Sensors:Buses:b:Kind"] = "i2c",
            ["Sensors:Buses:b:Simulated"] = "true",
            ["Sensors:Devices:d:Driver"] = "ads1115",
            ["Sensors:Devices:d:Bus"] = "b",
            ["Sensors:Devices:d:Address"] = "0x48",
            ["Sensors:Devices:d:Inputs:0"] = "AIN0",
            ["Sensors:Devices:d:Inputs:1"] = "AIN2-AIN3",
            ["Sensors:Devices:d:Signals:ain0:Amplitude"] = "0.25",
            ["Sensors:Streams:s:Device"] = "d",
            ["Sensors:Streams:s:WindowLength"] = "32",
            ["Sensors:Tokenizer:Chronos:Bins"] = "100",
        }).Build();
        var options = new SensorsOptions();

        configuration.GetSection(SensorsOptions.SectionName).Bind(options);

        Assert.Equal(7, options.Seed);
        Assert.True(options.Buses["b"].Simulated);
        Assert.Equal(["AIN0", "AIN2-AIN3"], options.Devices["d"].Inputs);
        Assert.Equal(0.25, options.Devices["d"].Signals["ain0"].Amplitude);
        Assert.Equal(32, options.Streams["s"].WindowLength);
        Assert.Equal(100, options.Tokenizer.Chronos.Bins);
        Assert.Empty(SensorsOptionsValidator.Validate(options));
    }

    [Fact]
    public void Validate_BrokenOptions_OneMessagePerProblemNamingKeyValueAndAllowed()
    {
        var o = new SensorsOptions();
        o.Buses["b"] = new BusOptions { Kind = "spi", Path = "/dev/spidev0.0" };
        o.Devices["t"] = new DeviceOptions { Driver = "bme280", Bus = "b", Address = "0x50", RateHz = 0 };
        o.Devices["m"] = new DeviceOptions { Driver = "mpu6050", Bus = "nobus", Address = "0x68", AccelRangeG = 3 };
        o.Devices["x"] = new DeviceOptions { Driver = "lm75" };
        o.Streams["s"] = new StreamOptions { Device = "t", WindowLength = 50, Hop = 60, Tokenizer = "patch", BadData = "ignore" };

        var errors = SensorsOptionsValidator.Validate(o).Select(p => p.ToString()).ToList();

        Assert.Contains("Sensors:Buses:b:Kind = \"spi\": must be i2c, iio, gpio or w1", errors);
        Assert.Contains("Sensors:Devices:t:RateHz = \"0\": must be > 0 and <= 1000", errors);
        Assert.Contains(errors, e => e.StartsWith("Sensors:Devices:t:Bus = \"b\": must name a bus of Kind i2c", StringComparison.Ordinal));
        Assert.Contains("Sensors:Devices:t:Address = \"0x50\": must be one of 0x76, 0x77 for bme280", errors);
        Assert.Contains(errors, e => e.StartsWith("Sensors:Devices:m:Bus = \"nobus\"", StringComparison.Ordinal));
        Assert.Contains("Sensors:Devices:m:AccelRangeG = \"3\": must be 2, 4, 8 or 16", errors);
        Assert.Contains(errors, e => e.StartsWith("Sensors:Devices:x:Driver = \"lm75\": must be one of bme280", StringComparison.Ordinal));
        Assert.Contains("Sensors:Streams:s:Hop = \"60\": must be between 1 and WindowLength (50)", errors);
        Assert.Contains("Sensors:Streams:s:WindowLength = \"50\": must be a multiple of Sensors:Tokenizer:Patch:PatchLength (16) for the patch tokenizer", errors);
        Assert.Contains("Sensors:Streams:s:BadData = \"ignore\": must be impute, mask or drop", errors);
        Assert.Equal(errors.Count, errors.Distinct().Count());
    }

    [Theory]
    [InlineData("0x76", 0x76)]
    [InlineData("0X48", 0x48)]
    [InlineData("104", 104)]
    [InlineData("0xZZ", null)]
    [InlineData("", null)]
    public void ParseAddress_HexOrDecimal(string text, int? expected)
    {
        Assert.Equal(expected, SensorsOptionsValidator.ParseAddress(text));
    }
}
