using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Security;

/// <summary>
/// Checks the MQTT TLS files at start: each configured CA, certificate and key file must be readable PEM, every
/// certificate valid at <c>now</c> (not expired, not yet valid) and the key must match the certificate. Each failure
/// is a <see cref="ConfigProblem"/> naming the key and the file. Missing files are reported by the binder already.
/// </summary>
public static class TlsFileCheck
{
    public static IReadOnlyList<ConfigProblem> Check(string? caFile, string? certFile, string? keyFile, DateTimeOffset now)
    {
        var problems = new List<ConfigProblem>();
        if (Read("Mqtt:Tls:CaFile", caFile, problems) is { } caPem)
        {
            var cas = new X509Certificate2Collection();
            try
            {
                cas.ImportFromPem(caPem);
            }
            catch (CryptographicException e)
            {
                problems.Add(new ConfigProblem("Mqtt:Tls:CaFile", caFile, "must hold PEM certificates: " + e.Message));
            }

            if (cas.Count == 0 && problems.Count == 0)
            {
                problems.Add(new ConfigProblem("Mqtt:Tls:CaFile", caFile, "must hold at least one PEM certificate (none found)"));
            }

            foreach (var ca in cas)
            {
                CheckDates("Mqtt:Tls:CaFile", caFile!, ca, now, problems);
                ca.Dispose();
            }
        }

        var certPem = Read("Mqtt:Tls:CertFile", certFile, problems);
        var keyPem = Read("Mqtt:Tls:KeyFile", keyFile, problems);
        if (certPem is null)
        {
            return problems;
        }

        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPem(certPem);
        }
        catch (CryptographicException e)
        {
            problems.Add(new ConfigProblem("Mqtt:Tls:CertFile", certFile, "must hold a PEM certificate: " + e.Message));
            return problems;
        }

        using (cert)
        {
            CheckDates("Mqtt:Tls:CertFile", certFile!, cert, now, problems);
            if (keyPem is not null)
            {
                CheckKey(keyFile!, certFile!, certPem, keyPem, problems);
            }
        }

        return problems;
    }

    private static void CheckKey(string keyFile, string certFile, string certPem, string keyPem, List<ConfigProblem> problems)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (Exception e) when ((e is CryptographicException or ArgumentException) && IsPrivateKey(keyPem))
        {
            problems.Add(new ConfigProblem("Mqtt:Tls:KeyFile", keyFile, $"must hold the private key of {certFile} (the key does not match the certificate)"));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problems.Add(new ConfigProblem("Mqtt:Tls:KeyFile", keyFile, $"must hold an unencrypted PEM private key for {certFile}: {e.Message}"));
        }
    }

    /// <summary>True when the PEM text is a usable EC or RSA private key on its own (so a failed pairing is a mismatch).</summary>
    private static bool IsPrivateKey(string keyPem)
    {
        foreach (var algorithm in new Func<AsymmetricAlgorithm>[] { () => ECDsa.Create(), () => RSA.Create() })
        {
            using var key = algorithm();
            try
            {
                if (key is ECDsa ec)
                {
                    ec.ImportFromPem(keyPem);
                }
                else
                {
                    ((RSA)key).ImportFromPem(keyPem);
                }

                return true;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                // try the next algorithm
            }
        }

        return false;
    }

    private static void CheckDates(string key, string file, X509Certificate2 cert, DateTimeOffset now, List<ConfigProblem> problems)
    {
        var subject = cert.Subject;
        if (now < cert.NotBefore.ToUniversalTime())
        {
            problems.Add(new ConfigProblem(key, file, $"must hold a certificate that is already valid: '{subject}' is not valid before {cert.NotBefore.ToUniversalTime():u}"));
        }
        else if (now > cert.NotAfter.ToUniversalTime())
        {
            problems.Add(new ConfigProblem(key, file, $"must hold an unexpired certificate: '{subject}' expired {cert.NotAfter.ToUniversalTime():u}"));
        }
    }

    private static string? Read(string key, string? file, List<ConfigProblem> problems)
    {
        if (file is null || !File.Exists(file))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ConfigProblem(key, file, "must be readable by the edgelam user: " + e.Message));
            return null;
        }
    }
}
