using QiTech.Os.Sources;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>Refs and URLs that could make git run something or read an option are refused before git runs.</summary>
public sealed class RejectionTests
{
    [Theory]
    [InlineData("--upload-pack=touch", GitRefError.LeadingDash)]
    [InlineData("-cfoo=bar", GitRefError.LeadingDash)]
    [InlineData("-", GitRefError.LeadingDash)]
    [InlineData("main..v1.0", GitRefError.DotDot)]
    [InlineData("../../etc/passwd", GitRefError.DotDot)]
    [InlineData("v1\n--exec", GitRefError.ControlCharacter)]
    [InlineData("v1\u0000", GitRefError.ControlCharacter)]
    [InlineData("v1 2", GitRefError.ControlCharacter)]
    [InlineData("HEAD~1", GitRefError.ForbiddenCharacter)]
    [InlineData("main^{tree}", GitRefError.ForbiddenCharacter)]
    [InlineData("HEAD:secret", GitRefError.ForbiddenCharacter)]
    [InlineData("main@{1}", GitRefError.ReflogSyntax)]
    [InlineData("feature/.hidden", GitRefError.BadComponent)]
    [InlineData("feature.lock", GitRefError.BadComponent)]
    [InlineData("feature/", GitRefError.BadComponent)]
    [InlineData("", GitRefError.Empty)]
    public void Bad_refs_are_refused_with_their_cause(string text, GitRefError expected)
    {
        Assert.False(GitRefName.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("v1.0")]
    [InlineData("main")]
    [InlineData("feature/new-ui")]
    [InlineData("release-2024.01")]
    [InlineData("3f2a9c1")]
    public void Ordinary_refs_are_accepted(string text) => Assert.True(GitRefName.TryParse(text, out _, out _));

    [Theory]
    [InlineData("--upload-pack=touch /tmp/pwned", SourceUrlError.ControlCharacter)]
    [InlineData("--upload-pack=x", SourceUrlError.LeadingDash)]
    [InlineData("-oProxyCommand=x", SourceUrlError.LeadingDash)]
    [InlineData("ext::sh", SourceUrlError.TransportHelper)]
    [InlineData("fd::17", SourceUrlError.TransportHelper)]
    [InlineData("https::example.com/x", SourceUrlError.TransportHelper)]
    [InlineData("foo://example.com/repo", SourceUrlError.UnsupportedScheme)]
    [InlineData("ssh://-oProxyCommand=x/repo", SourceUrlError.BadHost)]
    [InlineData("-oProxyCommand=x:repo", SourceUrlError.LeadingDash)]
    [InlineData("host:-repo", SourceUrlError.LeadingDash)]
    [InlineData("https://user:secret@example.com/repo.git", SourceUrlError.CredentialsInUrl)]
    [InlineData("https://ghp_token@example.com/repo.git", SourceUrlError.CredentialsInUrl)]
    [InlineData("/srv/repos/../../etc", SourceUrlError.DotDot)]
    [InlineData("https://example.com/a/../b", SourceUrlError.DotDot)]
    [InlineData("https://example.com/re\u0007po", SourceUrlError.ControlCharacter)]
    [InlineData("repos/machine", SourceUrlError.RelativePath)]
    [InlineData("", SourceUrlError.Empty)]
    public void Bad_urls_are_refused_with_their_cause(string text, SourceUrlError expected)
    {
        Assert.False(SourceUrl.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("https://github.com/qitechgmbh/control.git")]
    [InlineData("http://git.local:8080/machines/x")]
    [InlineData("ssh://git@github.com/qitechgmbh/control.git")]
    [InlineData("git@github.com:qitechgmbh/control.git")]
    [InlineData("file:///srv/repos/control")]
    [InlineData("/srv/repos/control")]
    public void Ordinary_urls_are_accepted(string text) => Assert.True(SourceUrl.TryParse(text, out _, out _));

    [Theory]
    [InlineData("--upload-pack=touch /tmp/x")]
    [InlineData("-c")]
    [InlineData("a..b")]
    public void The_cli_refuses_a_bad_ref_with_exit_code_2_before_any_fetch(string reference)
    {
        using var temp = new TempDir("qitech-reject");
        var repo = new GitFixture(temp.Combine("repo"));

        var r = OurCli.Run("--root", temp.Combine("root"), "update", "changelog", "--source", repo.Path, "--", reference);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: REF '", r.Stderr);
        Assert.False(Directory.Exists(temp.Combine("root/var/lib/qitech/mirrors")));
    }

    [Theory]
    [InlineData("ext::sh -c touch% /tmp/pwned")]
    [InlineData("--upload-pack=touch")]
    [InlineData("fd::3")]
    public void The_cli_refuses_a_bad_url_with_exit_code_2(string url)
    {
        using var temp = new TempDir("qitech-reject");

        var r = OurCli.Run("--root", temp.Combine("root"), "update", "targets", "--source=" + url);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --source '", r.Stderr);
        Assert.False(Directory.Exists(temp.Combine("root/var/lib/qitech/mirrors")));
    }
}
