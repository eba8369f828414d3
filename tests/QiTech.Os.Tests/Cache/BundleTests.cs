using QiTech.Os.Cache;
using QiTech.Os.Nix;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cache;

/// <summary>Offline bundles: create on the build machine, show and install on another root; bad bundles change nothing.</summary>
public sealed class BundleTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-bundle");

    public void Dispose() => _temp.Dispose();

    private string Root(string name) => _temp.Combine(name);

    private static QiTech.Os.Platform.ProcessResult Ok(QiTech.Os.Platform.ProcessResult r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return r;
    }

    private (string System, string Bundle, string PublicKey) Made(bool inGit = false)
    {
        Directory.CreateDirectory(_temp.Combine("config"));
        File.WriteAllText(_temp.Combine("config", "machine.yaml"), "system:\n  hostName: bundled\nenvironment:\n  etc:\n    motd:\n      text: hello from the bundle\n");
        if (inGit)
        {
            // A checkout whose origin is itself: the system records it as its source and commit.
            File.WriteAllText(_temp.Combine("config", "CHANGELOG.md"), "# Changelog\n\n## 1.4\n- the motd greets from the bundle\n");
            GitRepo.CommitAll(_temp.Combine("config"));
            GitRepo.Run(_temp.Combine("config"), "tag", "v1.4");
            GitRepo.Run(_temp.Combine("config"), "remote", "add", "origin", _temp.Combine("config"));
        }
        var system = Ok(OurCli.Run("--root", Root("ci"), "build", "--config", _temp.Combine("config", "machine.yaml"))).StdoutText.Trim();
        Ok(OurCli.Run("cache", "key", "generate", "usb-1", _temp.Combine("usb.sec"), _temp.Combine("usb.pub")));
        var bundle = _temp.Combine("update.qitech-bundle");
        Ok(OurCli.Run("--root", Root("ci"), "bundle", "create", system, "--out", bundle, "--secret-key-file", _temp.Combine("usb.sec")));
        return (system, bundle, File.ReadAllText(_temp.Combine("usb.pub")).Trim());
    }

    [Fact]
    public void A_bundle_installs_its_system_as_a_new_generation_on_a_machine_without_network()
    {
        var (system, bundle, key) = Made();

        var show = Ok(OurCli.Run("--root", Root("machine"), "bundle", "show", bundle, "--trusted-public-key", key));
        var install = OurCli.Run("--root", Root("machine"), "bundle", "install", bundle, "--trusted-public-key", key);

        Assert.Contains($"system: {system}", show.StdoutText);
        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.Contains("bundle checked and imported", install.Stderr);
        Assert.Equal(system, new FileInfo(Root("machine") + "/run/current-system").LinkTarget);
        Assert.Equal("hello from the bundle", File.ReadAllText(Root("machine") + system + "/etc/motd").Trim());
        Assert.Equal(0, OurCli.Run("--root", Root("machine"), "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public async Task A_bundle_on_a_medium_is_listed_with_its_version_signer_and_changelog_and_a_tampered_one_with_why()
    {
        var (_, bundle, key) = Made(inGit: true);
        var show = Ok(OurCli.Run("--root", Root("machine"), "bundle", "show", bundle, "--trusted-public-key", key)).StdoutText;
        // The machine trusts the key through its running configuration.
        File.WriteAllText(_temp.Combine("keys.yaml"), $"system:\n  hostName: machine\n  update:\n    trustedPublicKeys: [\"{key}\"]\n");
        Ok(OurCli.Run("--root", Root("machine"), "switch", "--config", _temp.Combine("keys.yaml")));
        var usb = Root("machine") + "/media/usb";
        Directory.CreateDirectory(usb + "/old/older");
        File.Copy(bundle, usb + "/update.qitech-bundle");
        var tampered = File.ReadAllBytes(bundle);
        var (manifestAt, _) = EntryData(bundle, Bundle.ManifestEntry);
        var label = System.Text.Encoding.UTF8.GetBytes("\"v1.4\"");
        var at = tampered.AsSpan((int)manifestAt).IndexOf(label) + (int)manifestAt;
        tampered[at + 2] = (byte)'9';
        File.WriteAllBytes(usb + "/old/tampered.qitech-bundle", tampered);
        // Two folders deep, and not named as a bundle: not looked at.
        File.Copy(bundle, usb + "/old/older/deep.qitech-bundle");
        File.Copy(bundle, usb + "/update.tar");

        var found = await MediaBundles.ListAsync(new SystemLayout(Root("machine"), new StoreDirectory(StoreDirectory.Default)), CancellationToken.None);

        Assert.Contains("signed by: usb-1", show);
        Assert.Contains("- the motd greets from the bundle", show);
        Assert.Equal(["/media/usb/update.qitech-bundle", "/media/usb/old/tampered.qitech-bundle"], found.Select(b => b.File));
        var good = found[0];
        Assert.Equal(("v1.4", "usb-1", null), (good.Signed!.Manifest.Label, good.Signed.Signer, good.Refusal));
        Assert.Equal("# Changelog\n\n## 1.4\n- the motd greets from the bundle\n", good.Signed.Manifest.Changelog);
        Assert.Equal(new FileInfo(bundle).Length, good.SizeBytes);
        Assert.Null(found[1].Signed);
        Assert.Equal("its signature by 'usb-1' does not match its manifest (tampered)", found[1].Refusal);
    }

    [Fact]
    public async Task A_medium_is_listed_with_no_trusted_key_saying_so()
    {
        var (_, bundle, _) = Made();
        Directory.CreateDirectory(Root("machine") + "/run/media/operator/STICK");
        File.Copy(bundle, Root("machine") + "/run/media/operator/STICK/update.qitech-bundle");

        var found = await MediaBundles.ListAsync(new SystemLayout(Root("machine"), new StoreDirectory(StoreDirectory.Default)), CancellationToken.None);

        var only = Assert.Single(found);
        Assert.Equal(("/run/media/operator/STICK/update.qitech-bundle", null), (only.File, only.Signed));
        Assert.Equal("no trusted key: set system.update.trustedPublicKeys in the running configuration", only.Refusal);
    }

    public enum Damage
    {
        UnknownKey,
        FlippedByte,
        Truncated,
        NotABundle,
    }

    [Theory]
    [InlineData(Damage.UnknownKey, "not a trusted key")]
    [InlineData(Damage.FlippedByte, "")]
    [InlineData(Damage.Truncated, "")]
    [InlineData(Damage.NotABundle, "not a bundle")]
    public void A_bad_bundle_is_refused_before_anything_changes(Damage damage, string reason)
    {
        var (_, bundle, key) = Made();
        var bytes = File.ReadAllBytes(bundle);
        switch (damage)
        {
            case Damage.UnknownKey:
                Ok(OurCli.Run("cache", "key", "generate", "usb-1", _temp.Combine("other.sec"), _temp.Combine("other.pub")));
                key = File.ReadAllText(_temp.Combine("other.pub")).Trim().Replace("usb-1:", "usb-2:", StringComparison.Ordinal);
                break;
            case Damage.FlippedByte:
                // Inside a NAR, wherever the archive's layout puts it (a fixed fraction of the
                // file can land in a tar header the pax path overrides).
                var (offset, length) = NarData(bundle);
                bytes[offset + length / 2] ^= 0x20;
                File.WriteAllBytes(bundle, bytes);
                break;
            case Damage.Truncated:
                File.WriteAllBytes(bundle, bytes[..(bytes.Length * 3 / 4)]);
                break;
            case Damage.NotABundle:
                File.WriteAllText(bundle, "just some text on a stick\n");
                break;
        }

        var install = OurCli.Run("--root", Root("machine"), "bundle", "install", bundle, "--trusted-public-key", key);

        Assert.NotEqual(0, install.ExitCode);
        Assert.DoesNotContain("Unhandled", install.Stderr);
        Assert.Contains(reason, install.Stderr);
        Assert.False(File.Exists(Root("machine") + "/run/current-system"));
        var store = Root("machine") + "/qitech/store";
        Assert.Empty(Directory.Exists(store) ? Directory.EnumerateFileSystemEntries(store).Where(e => !Path.GetFileName(e).StartsWith('.')) : []);
    }

    /// <summary>Where an entry's bytes are in the bundle (a tar file).</summary>
    private static (long Offset, long Length) EntryData(string bundle, string name)
    {
        using var stream = File.OpenRead(bundle);
        using var reader = new System.Formats.Tar.TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == name)
            {
                return (entry.DataOffset, entry.Length);
            }
        }
        throw new InvalidOperationException($"no {name} in {bundle}");
    }

    /// <summary>Where the first NAR's bytes are in the bundle (a tar file).</summary>
    private static (long Offset, long Length) NarData(string bundle)
    {
        using var stream = File.OpenRead(bundle);
        using var reader = new System.Formats.Tar.TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.StartsWith("nar/", StringComparison.Ordinal))
            {
                return (entry.DataOffset, entry.Length);
            }
        }
        throw new InvalidOperationException("no NAR in " + bundle);
    }
}
