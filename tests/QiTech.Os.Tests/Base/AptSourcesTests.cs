using QiTech.Os.Base;

namespace QiTech.Os.Tests.Base;

/// <summary>Which of apt's index targets are the suite's Debian repositories.</summary>
public sealed class AptSourcesTests
{
    [Fact]
    public void Takes_the_suite_its_updates_and_security_in_apt_order_with_their_components()
    {
        var targets = string.Join('\n',
            "deb\tPackages\thttp://deb.debian.org/debian/\tbookworm\tmain",
            "deb\tDEP-11\thttp://deb.debian.org/debian/\tbookworm\tmain",
            "deb\tPackages\thttp://deb.debian.org/debian/\tbookworm\tnon-free-firmware",
            "deb\tPackages\thttp://deb.debian.org/debian/\tbookworm-updates\tmain",
            "deb-src\tSources\thttp://deb.debian.org/debian/\tbookworm\tmain",
            "deb\tPackages\thttp://deb.debian.org/debian-security/\tbookworm-security\tmain",
            "deb\tPackages\thttp://deb.debian.org/debian/\ttrixie\tmain",
            "deb\tPackages\thttp://deb.debian.org/debian/\tbookworm-backports\tmain",
            "deb\tPackages\tmirror+file:/etc/apt/mirrors.txt\tbookworm\tmain",
            "deb\tPackages\thttps://packages.example.com/apt/\tnodistro\tmain",
            "");
        var sources = AptSources.Parse(targets, "bookworm");
        Assert.Equal(
            [
                "deb [arch=amd64] http://deb.debian.org/debian/ bookworm main non-free-firmware",
                "deb [arch=amd64] http://deb.debian.org/debian/ bookworm-updates main",
                "deb [arch=amd64] http://deb.debian.org/debian-security/ bookworm-security main",
            ],
            sources.Select(s => s.ToSourcesLine("amd64")));
        Assert.Equal("http://deb.debian.org/debian-security/pool/updates/main/a/apt/apt_2.6.2_amd64.deb",
            sources[2].FileUri("pool/updates/main/a/apt/apt_2.6.2_amd64.deb"));
    }

    [Fact]
    public void Nothing_for_a_suite_the_machine_has_no_source_of()
    {
        Assert.Empty(AptSources.Parse("deb\tPackages\thttp://deb.debian.org/debian/\ttrixie\tmain\n", "bookworm"));
    }
}
