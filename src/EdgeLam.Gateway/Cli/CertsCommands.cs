using System.CommandLine;
using EdgeLam.Gateway.Security;
using EdgeLam.Transport.Security;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam certs ca|node|broker|show|acl</c>: a site's CA, node and broker certificates and the broker ACL from
/// the site's node list (docs/security.md).
/// </summary>
internal static class CertsCommands
{
    public static Command Create()
    {
        var command = new Command("certs", "Site certificates (CA, node, broker) and the broker ACL for mTLS.");
        command.Subcommands.Add(Ca());
        command.Subcommands.Add(Node());
        command.Subcommands.Add(Broker());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Acl());
        return command;
    }

    private static Option<int> Days(int defaultDays) =>
        new("--days") { Description = "Validity in days.", DefaultValueFactory = _ => defaultDays };

    private static Command Ca()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for ca.crt and ca.key.", Required = true };
        var days = Days(3650);
        var name = new Option<string>("--name") { Description = "CA common name.", DefaultValueFactory = _ => "EdgeLam site CA" };
        var command = new Command("ca", "Create a site CA (ca.crt, ca.key 0600).") { outDir, days, name };
        command.SetAction(parse => Guard(() => Console.WriteLine(
            SiteCertificates.CreateCa(parse.GetValue(outDir)!.FullName, parse.GetValue(name)!, parse.GetValue(days), DateTimeOffset.UtcNow))));
        return command;
    }

    private static Command Node()
    {
        var ca = new Option<DirectoryInfo>("--ca") { Description = "Folder with ca.crt and ca.key.", Required = true };
        var node = new Option<string>("--node") { Description = "Node id (the certificate CN and broker user).", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for {node}.crt and {node}.key.", Required = true };
        var days = Days(825);
        var command = new Command("node", "Issue a node's client certificate (CN = node id).") { ca, node, outDir, days };
        command.SetAction(parse => Guard(() =>
        {
            var id = parse.GetValue(node)!;
            EdgeLam.Transport.Topics.TopicScheme.ValidateName(id, "node");
            Console.WriteLine(SiteCertificates.IssueNode(parse.GetValue(ca)!.FullName, id, parse.GetValue(outDir)!.FullName, parse.GetValue(days), DateTimeOffset.UtcNow));
        }));
        return command;
    }

    private static Command Broker()
    {
        var ca = new Option<DirectoryInfo>("--ca") { Description = "Folder with ca.crt and ca.key.", Required = true };
        var host = new Option<string>("--host") { Description = "Broker names and addresses, comma-separated (NAME[,IP...]).", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for broker.crt and broker.key.", Required = true };
        var days = Days(825);
        var command = new Command("broker", "Issue the broker's server certificate (SANs from --host).") { ca, host, outDir, days };
        command.SetAction(parse => Guard(() =>
        {
            var hosts = parse.GetValue(host)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Console.WriteLine(SiteCertificates.IssueBroker(parse.GetValue(ca)!.FullName, hosts, parse.GetValue(outDir)!.FullName, parse.GetValue(days), DateTimeOffset.UtcNow));
        }));
        return command;
    }

    private static Command Show()
    {
        var files = new Argument<string[]>("FILE") { Description = "PEM certificate files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("show", "Print subject, issuer, expiry, days left and whether FILE.key matches.") { files };
        command.SetAction(parse => Guard(() =>
        {
            foreach (var file in parse.GetValue(files)!)
            {
                foreach (var line in CertificateReport.Describe(file, DateTimeOffset.UtcNow))
                {
                    Console.WriteLine(line);
                }
            }
        }));
        return command;
    }

    private static Command Acl()
    {
        var nodes = new Option<FileInfo>("--nodes") { Description = "The site's node list (edgelam-nodes.json).", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "ACL file to write (mosquitto acl_file).", Required = true };
        var command = new Command("acl", "Write the mosquitto ACL for the site's node list.") { nodes, outFile };
        command.SetAction(parse => Guard(() =>
        {
            var (site, list) = SiteNodeList.Load(parse.GetValue(nodes)!.FullName);
            var path = parse.GetValue(outFile)!.FullName;
            File.WriteAllText(path, BrokerAcl.Build(site, list));
            Console.WriteLine(path);
        }));
        return command;
    }

    private static int Guard(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException
            or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine("edgelam certs: " + e.Message);
            return 1;
        }
    }
}
