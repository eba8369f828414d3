using QiTech.Os.Base;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Base;

/// <summary>The lock file: its exact text, sorted whatever the input order, and every malformed line refused with its place.</summary>
public sealed class BaseLockTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-base-lock");

    private static readonly Sha256Digest ShaA = Sha256Digest.Of("a"u8);
    private static readonly Sha256Digest ShaB = Sha256Digest.Of("b"u8);

    private static BaseLock Sample() => new(
        new BaseRequest("bookworm", "amd64", "minbase", ["zsh", "cage", "zsh"]),
        [
            new DebianPackagePin("zlib1g", "1:1.2.13.dfsg-1", "amd64", "required", 86684, ShaB, "pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb"),
            new DebianPackagePin("adduser", "3.134", "all", "important", 183272, ShaA, "pool/main/a/adduser/adduser_3.134_all.deb"),
        ]);

    [Fact]
    public void Renders_sorted_lines_with_the_request_and_no_mirror_host()
    {
        var text = Sample().Render();
        Assert.Equal(
            "# The pinned Debian base: every .deb of the resolved closure. Made by `qitech-os base lock`; do not edit.\n" +
            "# deb <name> <version> <architecture> <priority> <size> <sha256> <pool path>\n" +
            "suite bookworm\n" +
            "architecture amd64\n" +
            "variant minbase\n" +
            "packages cage zsh\n" +
            $"deb adduser 3.134 all important 183272 {ShaA.ToBase16()} pool/main/a/adduser/adduser_3.134_all.deb\n" +
            $"deb zlib1g 1:1.2.13.dfsg-1 amd64 required 86684 {ShaB.ToBase16()} pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb\n",
            text);
    }

    [Fact]
    public void Reads_back_what_it_wrote()
    {
        var path = _temp.Combine("base.lock");
        Sample().Write(path);
        var read = BaseLock.Read(path);
        Assert.True(read.Request.Matches(Sample().Request));
        Assert.Equal(Sample().Packages, read.Packages);
        Assert.Equal(File.ReadAllText(path), read.Render());
    }

    [Theory]
    [InlineData("deb bash 5.2 amd64 required 10 nothex pool/main/b/bash/bash_5.2_amd64.deb", "base.lock:6: 'nothex' is not a valid SHA-256 (64 lower-case hex digits)")]
    [InlineData("deb bash 5.2 amd64 required 10 {sha} ../etc/passwd.deb", "base.lock:6: '../etc/passwd.deb' is not a valid pool path")]
    [InlineData("deb bash 5.2 amd64 required 10 {sha} /pool/main/b/bash.deb", "base.lock:6: '/pool/main/b/bash.deb' is not a valid pool path")]
    [InlineData("deb Bash 5.2 amd64 required 10 {sha} pool/main/b/bash.deb", "base.lock:6: 'Bash' is not a valid package name")]
    [InlineData("deb bash 5.2 amd64 required -1 {sha} pool/main/b/bash.deb", "base.lock:6: '-1' is not a valid size")]
    [InlineData("deb bash 5.2 amd64", "base.lock:6: not a base lock line: 'deb bash 5.2 amd64'")]
    [InlineData("mirror http://deb.debian.org/debian", "base.lock:6: not a base lock line: 'mirror http://deb.debian.org/debian'")]
    public void A_malformed_line_is_refused_with_its_place(string line, string message)
    {
        var sha = ShaA.ToBase16();
        var text = "# comment\nsuite bookworm\narchitecture amd64\nvariant minbase\npackages\n" + line.Replace("{sha}", sha) + "\n";
        var e = Assert.Throws<BadInputException>(() => BaseLock.Parse(text, "base.lock"));
        Assert.Equal(message.Replace("{sha}", sha), e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void A_package_twice_is_refused()
    {
        var text = "suite bookworm\narchitecture amd64\nvariant minbase\npackages\n" +
            $"deb bash 5.2 amd64 required 10 {ShaA.ToBase16()} pool/main/b/bash/bash_5.2_amd64.deb\n" +
            $"deb bash 5.1 amd64 required 10 {ShaB.ToBase16()} pool/main/b/bash/bash_5.1_amd64.deb\n";
        var e = Assert.Throws<BadInputException>(() => BaseLock.Parse(text, "base.lock"));
        Assert.Equal("base.lock: the base holds bash (amd64) twice: 5.1, 5.2", e.Message);
    }

    [Fact]
    public void A_lock_without_its_request_is_refused()
    {
        var e = Assert.Throws<BadInputException>(() => BaseLock.Parse("suite bookworm\n", "x.lock"));
        Assert.Equal("x.lock: a base lock names its suite, architecture, variant and packages", e.Message);
    }

    [Fact]
    public void A_lock_for_another_request_is_refused_naming_both()
    {
        var path = _temp.Combine("base.lock");
        Sample().Write(path);
        var e = Assert.Throws<BadInputException>(() => PinnedBase.ReadLock(path, new BaseRequest("bookworm", "amd64", "minbase", ["cage"])));
        Assert.Equal($"{path}: the lock is for 'bookworm amd64 minbase + cage zsh' but the configuration declares 'bookworm amd64 minbase + cage': refresh it with `qitech-os base lock`", e.Message);
    }

    [Fact]
    public void Disabled_units_are_part_of_the_request_its_text_and_its_base()
    {
        var plain = Sample();
        var disabling = new BaseLock(new BaseRequest("bookworm", "amd64", "minbase", ["cage", "zsh"], ["dnsmasq.service", "dnsmasq.service"]), plain.Packages);
        Assert.Equal(["dnsmasq.service"], disabling.Request.DisabledUnits);
        Assert.Contains("packages cage zsh\ndisabled-units dnsmasq.service\n", disabling.Render(), StringComparison.Ordinal);
        Assert.DoesNotContain("disabled-units", plain.Render(), StringComparison.Ordinal);
        Assert.Equal(disabling.Render(), BaseLock.Parse(disabling.Render(), "base.lock").Render());
        Assert.False(plain.Request.Matches(disabling.Request));
        Assert.Equal("bookworm amd64 minbase + cage zsh, not at boot: dnsmasq.service", disabling.Request.Describe());
        var store = new StoreDirectory("/qitech/store");
        Assert.NotEqual(BaseDerivation.OutputOf(BaseDerivation.Create(plain), store), BaseDerivation.OutputOf(BaseDerivation.Create(disabling), store));
        Assert.Contains("--customize-hook=chroot \"$1\" systemctl disable --quiet dnsmasq.service", MmdebstrapSandbox.CommonOptions(disabling.Request));
        Assert.DoesNotContain(MmdebstrapSandbox.CommonOptions(plain.Request), o => o.Contains("systemctl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--now.service")]
    [InlineData("dnsmasq")]
    [InlineData("a b.service")]
    [InlineData("x;reboot.service")]
    public void A_disabled_unit_that_is_no_unit_name_is_refused(string unit)
    {
        var e = Assert.Throws<BadInputException>(() => new BaseRequest("bookworm", "amd64", "minbase", [], [unit]));
        Assert.Equal($"'{unit}' is not a valid Debian unit name", e.Message);
    }

    [Fact]
    public void A_missing_lock_says_how_to_make_one()
    {
        var e = Assert.Throws<BadInputException>(() => BaseLock.Read(_temp.Combine("base.lock")));
        Assert.Equal($"{_temp.Combine("base.lock")}: no base lock file; make it with `qitech-os base lock`", e.Message);
    }

    [Fact]
    public void Store_names_replace_what_a_store_path_cannot_hold()
    {
        var pin = new DebianPackagePin("x", "1.0~rc1", "amd64", "optional", 1, ShaA, "pool/main/x/x/x_1.0~rc1_amd64.deb");
        Assert.Equal("x_1.0_rc1_amd64.deb", pin.StoreName);
        Assert.True(StorePath.IsValidName(pin.StoreName));
    }

    public void Dispose() => _temp.Dispose();
}
