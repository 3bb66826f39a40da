namespace EdgeLam.Hosting.Doctor;

/// <summary>I2C and GPIO character devices: present, and openable read-write by this user.</summary>
public static class DeviceNodeCheck
{
    public static IEnumerable<DoctorFinding> Run(DoctorContext context)
    {
        var simulated = context.Settings.Board.Name == Configuration.BoardProfiles.BuiltInBoard;
        foreach (var (pattern, group, kind) in new[] { ("i2c-*", "i2c", "I2C bus"), ("gpiochip*", "gpio", "GPIO chip") })
        {
            var nodes = Directory.Exists(context.DeviceDirectory)
                ? Directory.GetFiles(context.DeviceDirectory, pattern).Order(StringComparer.Ordinal).ToArray()
                : [];
            if (nodes.Length == 0)
            {
                yield return simulated
                    ? DoctorFinding.Info("devices", $"no {kind} ({context.DeviceDirectory}/{pattern}); board sim needs none")
                    : DoctorFinding.Problem("devices", $"no {kind} ({context.DeviceDirectory}/{pattern}) for board {context.Settings.Board.Name}",
                        group == "i2c" ? "enable I2C (dtparam=i2c_arm=on on a Raspberry Pi, or modprobe i2c-dev)" : "check the kernel's GPIO driver (gpiodetect from gpiod lists chips)");
                continue;
            }

            foreach (var node in nodes)
            {
                yield return Access(node, group);
            }
        }
    }

    private static DoctorFinding Access(string node, string group)
    {
        try
        {
            using var stream = new FileStream(node, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
            return DoctorFinding.Ok("devices", $"{node} read-write");
        }
        catch (UnauthorizedAccessException)
        {
            return DoctorFinding.Problem("devices", $"{node} is not read-write for this user",
                $"add the user to group {group} (usermod -aG {group} edgelam; the unit sets SupplementaryGroups={group}) and make the node group-writable (the package's udev rule 60-edgelam.rules does)");
        }
        catch (IOException e)
        {
            return DoctorFinding.Warning("devices", $"{node}: {e.Message}", "check the device driver (dmesg)");
        }
    }
}
