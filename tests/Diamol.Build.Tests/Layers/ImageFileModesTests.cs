using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Layers;

[TestClass]
public sealed class ImageFileModesTests
{
    private static UnixFileMode Mode(int octal) => (UnixFileMode)octal;

    // Compared as octal text, as the docs write modes: a failure reads 0644, not "UserRead, UserWrite, ...".
    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0');

    [TestMethod]
    [DataRow(0b110_000_000, 0b110_100_100, DisplayName = "0600 -> 0644")]
    [DataRow(0b110_100_000, 0b110_100_100, DisplayName = "0640 -> 0644")]
    [DataRow(0b110_110_110, 0b110_100_100, DisplayName = "0666 -> 0644: nothing world-writable")]
    [DataRow(0b111_000_000, 0b111_101_101, DisplayName = "0700 -> 0755")]
    [DataRow(0b111_101_000, 0b111_101_101, DisplayName = "0750 -> 0755")]
    [DataRow(0b100_000_001, 0b111_101_101, DisplayName = "0401 -> 0755: any execute bit makes it executable")]
    public void Normalize_makes_files_readable_and_executables_runnable_by_every_user(int published, int expected) =>
        Assert.AreEqual(Octal(Mode(expected)), Octal(ImageFileModes.ForFile(Mode(published), FileModePolicy.Normalize)));

    [TestMethod]
    public void Preserve_keeps_the_permission_bits_and_drops_setuid()
    {
        Assert.AreEqual("0600", Octal(ImageFileModes.ForFile(Mode(0b110_000_000), FileModePolicy.Preserve)));
        Assert.AreEqual("0750", Octal(ImageFileModes.ForFile(Mode(0b100_111_101_000), FileModePolicy.Preserve)));
    }

    [TestMethod]
    public void Windows_files_have_no_mode_and_become_executable_as_the_docker_CLI_sends_them() =>
        Assert.AreEqual("0755", Octal(ImageFileModes.ForFile(null, FileModePolicy.Normalize)));

    [TestMethod]
    public void The_policy_is_read_case_insensitively_and_a_wrong_value_is_refused()
    {
        Assert.AreEqual(FileModePolicy.Normalize, ImageFileModes.ParsePolicy(""));
        Assert.AreEqual(FileModePolicy.Preserve, ImageFileModes.ParsePolicy(" preserve "));
        var e = Assert.ThrowsExactly<DiamolException>(() => ImageFileModes.ParsePolicy("0644"));
        Assert.AreEqual(DiagnosticCode.DIAM1014, e.Code);
        StringAssert.Contains(e.Message, "DiamolFileModes has the value '0644'");
    }

    [TestMethod]
    public void The_planner_records_each_files_image_mode()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder("modes");
        string root = temp.Path;
        string secret = Path.Combine(root, "appsettings.json");
        string host = Path.Combine(root, "App");
        File.WriteAllText(secret, "{}");
        File.WriteAllText(host, "elf");
        File.SetUnixFileMode(secret, Mode(0b110_000_000));
        File.SetUnixFileMode(host, Mode(0b111_000_000));
        var files = new[] { new PublishedFile(secret, "appsettings.json", IsStaticAsset: true), new PublishedFile(host, "App", IsHost: true) };

        var normalized = LayerPlanner.Plan(files).AllFiles.ToDictionary(f => f.RelativePath, f => Octal(f.Mode));
        var preserved = LayerPlanner.Plan(files, FileModePolicy.Preserve).AllFiles.ToDictionary(f => f.RelativePath, f => Octal(f.Mode));

        Assert.AreEqual("0644", normalized["appsettings.json"]);
        Assert.AreEqual("0755", normalized["App"]);
        Assert.AreEqual("0600", preserved["appsettings.json"]);
        Assert.AreEqual("0700", preserved["App"]);
    }
}
