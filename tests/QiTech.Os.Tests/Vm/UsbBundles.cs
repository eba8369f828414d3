using System.Text.Json;
using System.Text.Json.Nodes;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// Updates as the operator's Update page makes them: signed bundles on a USB stick made on the
/// host, listed and installed through the daemon's API on the guest's socket.
/// </summary>
public static class UsbBundles
{
    private const string Socket = "--unix-socket /run/qitech-os/daemon.sock http://qitech-osd";

    /// <summary>One bundle for the stick: its file name (without extension), system, the system it is a delta from, and its changelog.</summary>
    public sealed record Bundle(string Name, string System, string Since, string Changelog);

    /// <summary>A raw ext4 disk holding the signed bundles, made without a mount (<c>mkfs.ext4 -d</c>).</summary>
    public static string MakeStick(string dir, params Bundle[] bundles)
    {
        var content = Path.Combine(dir, "stick");
        if (Directory.Exists(content))
        {
            Directory.Delete(content, recursive: true);
        }
        Directory.CreateDirectory(content);
        foreach (var bundle in bundles)
        {
            var changelog = Path.Combine(dir, bundle.Name + "-changelog.txt");
            File.WriteAllText(changelog, bundle.Changelog);
            var made = OurCli.RunLong(TimeSpan.FromMinutes(30), "--root", VmSystems.StoreRoot, "bundle", "create", bundle.System, "--since", bundle.Since,
                "--secret-key-file", VmImageFixture.BundleSecretKey, "--changelog", changelog, "--out", Path.Combine(content, bundle.Name + ".qitech-bundle"));
            Assert.True(made.ExitCode == 0, made.Stderr);
        }
        var stick = Path.Combine(dir, "stick.img");
        var bytes = Directory.GetFiles(content).Sum(f => new FileInfo(f).Length);
        using (var file = new FileStream(stick, FileMode.Create))
        {
            file.SetLength(bytes + bytes / 10 + (64L << 20));
        }
        var mkfs = HostProgram.Run("/usr/sbin/mkfs.ext4", ["-q", "-F", "-L", "QITECH-USB", "-d", content, stick]);
        Assert.True(mkfs.ExitCode == 0, mkfs.Stderr);
        return stick;
    }

    /// <summary>The daemon's bundle list once it holds <paramref name="count"/> (udev and systemd-mount mount the stick, not the test).</summary>
    public static async Task<JsonArray> ListAsync(QemuVm vm, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var list = JsonNode.Parse(await vm.Agent.RunAsync($"curl -sf {Socket}/v1/update/bundles"))!.AsArray();
            if (list.Count >= count || DateTime.UtcNow > deadline)
            {
                return list;
            }
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The listed bundle whose file is <paramref name="name"/>.qitech-bundle.</summary>
    public static JsonNode Named(JsonArray bundles, string name) =>
        bundles.Single(b => b!["file"]!.GetValue<string>().EndsWith($"/{name}.qitech-bundle", StringComparison.Ordinal))!;

    /// <summary>Asks the daemon to install a listed bundle (switch) and follows the job to its end.</summary>
    public static async Task<JsonNode> InstallAsync(QemuVm vm, string file)
    {
        var body = JsonSerializer.Serialize(new { file, mode = "switch" });
        Assert.DoesNotContain("'", body, StringComparison.Ordinal);
        var started = JsonNode.Parse(await vm.Agent.RunAsync(
            $"curl -sf -X POST -H 'Content-Type: application/json' --data '{body}' {Socket}/v1/update/bundles/install"))!;
        var id = started["jobId"]!.GetValue<long>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(40);
        while (true)
        {
            var job = JsonNode.Parse(await vm.Agent.RunAsync($"curl -sf {Socket}/v1/jobs/{id}"))!;
            if (job["state"]!.GetValue<string>() != "running")
            {
                return job;
            }
            Assert.True(DateTime.UtcNow < deadline, "the install job is still running: " + job.ToJsonString());
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The daemon's status (GET /v1/status).</summary>
    public static async Task<JsonNode> StatusAsync(QemuVm vm) =>
        JsonNode.Parse(await vm.Agent.RunAsync($"curl -sf {Socket}/v1/status"))!;
}
