using System.Diagnostics;

namespace Diamol.Build.Tests.Signing;

/// <summary>The openssl command line: makes the tests' keys and verifies our signatures independently of our code.</summary>
internal static class Openssl
{
    /// <summary>Runs openssl in a folder; fails the test when it does not exit 0, with what it printed.</summary>
    public static string Run(string folder, params string[] arguments)
    {
        var (exitCode, output) = TryRun(folder, arguments);
        Assert.AreEqual(0, exitCode, $"openssl {string.Join(' ', arguments)} failed: {output}");
        return output;
    }

    public static (int ExitCode, string Output) TryRun(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(60_000), "openssl did not finish within a minute");
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>`openssl dgst -sha256 -verify`: true when the DER signature of the payload verifies with the public key.</summary>
    public static bool Verifies(string folder, string publicKeyPem, byte[] payload, byte[] derSignature)
    {
        string name = Guid.NewGuid().ToString("N");
        File.WriteAllText(Path.Combine(folder, name + ".pub"), publicKeyPem);
        File.WriteAllBytes(Path.Combine(folder, name + ".json"), payload);
        File.WriteAllBytes(Path.Combine(folder, name + ".sig"), derSignature);
        var (exitCode, output) = TryRun(folder, "dgst", "-sha256", "-verify", name + ".pub", "-signature", name + ".sig", name + ".json");
        Assert.IsTrue(exitCode == 0 ? output.Contains("Verified OK") : output.Contains("Verification failure"), "openssl gave neither verdict: " + output);
        return exitCode == 0;
    }
}
