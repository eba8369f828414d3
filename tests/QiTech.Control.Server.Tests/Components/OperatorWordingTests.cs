using QiTech.Control.Server.Components;
using QiTech.Os.Sources;

namespace QiTech.Control.Server.Tests.Components;

/// <summary>The daemon's precise one-line errors as sentences for the operator.</summary>
public sealed class OperatorWordingTests
{
    [Theory]
    [InlineData("ref 'v9' is no tag, branch or commit of /srv/machine.git",
        "There is no version called 'v9' in /srv/machine.git: no tag, branch or commit has that name. Check the spelling, or load more commits.")]
    [InlineData("update 9 is running",
        "Another update (number 9) is still running. Wait until it ends, or open it to follow or cancel it.")]
    [InlineData("job 4 (gc) is running",
        "The system is busy with another task (gc, number 4). Try again when it has ended.")]
    [InlineData("url: update source file:///etc/passwd: no git repository there: '/etc/passwd' does not appear to be a git repository; nothing was saved",
        "Nothing was saved: there is no git repository at file:///etc/passwd. Git says: '/etc/passwd' does not appear to be a git repository")]
    [InlineData("update source https://git.example/m.git: cannot reach the remote: unable to access 'https://git.example/m.git/': Could not resolve host: git.example",
        "The source https://git.example/m.git could not be reached. Check the address and the network. Git says: unable to access 'https://git.example/m.git/': Could not resolve host: git.example")]
    [InlineData("something the page does not know", "something the page does not know")]
    public void Daemon_errors_become_sentences(string daemon, string sentence) => Assert.Equal(sentence, OperatorWording.Of(daemon));

    [Theory]
    [InlineData("--upload-pack=x", "it starts with '-', and git would read such a name as an instruction instead of a name.")]
    [InlineData("two words", "it contains a space, a tab or another invisible character, which no tag, branch or commit name may contain.")]
    public void A_name_the_daemon_refuses_is_explained(string name, string reason)
    {
        Assert.False(GitRefName.TryParse(name, out _, out var error));

        Assert.Equal(reason, OperatorWording.RefReason(error.Describe()));
        Assert.Equal($"'{name}' cannot be installed: {reason}", OperatorWording.Of(Assert.Throws<QiTech.Os.Errors.BadInputException>(() => GitRefName.ParseInput(name)).Message));
    }
}
