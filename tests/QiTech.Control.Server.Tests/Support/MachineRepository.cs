using QiTech.Os.Platform;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// A real git repository of a machine: each version is a commit of <c>machine.yaml</c> (at the
/// repository's root, where updates look by default) with a tag and a fixed date.
/// </summary>
public sealed class MachineRepository
{
    private int day;

    public MachineRepository(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Git("init", "-q", "-b", "main");
    }

    public string Path { get; }

    /// <summary>Commits <paramref name="machineYaml"/> (and extra files) as version <paramref name="tag"/>.</summary>
    public void Release(string tag, string machineYaml, params (string File, string Text)[] files)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, "machine.yaml"), machineYaml);
        foreach (var (file, text) in files)
        {
            var full = System.IO.Path.Combine(Path, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        Git("add", "-A");
        var date = $"2026-10-{++day:00}T10:00:00Z";
        Git(["commit", "-q", "-m", "machine " + tag], ("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date));
        Git("tag", tag);
    }

    public string CommitOf(string tag) => Git("rev-parse", tag + "^{commit}").Trim();

    public string Git(params string[] args) => Git(args, []);

    private string Git(string[] args, params (string Name, string Value)[] environment)
    {
        var variables = new Dictionary<string, string>
        {
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_AUTHOR_NAME"] = "Test",
            ["GIT_COMMITTER_NAME"] = "Test",
            ["GIT_AUTHOR_EMAIL"] = "test@example.com",
            ["GIT_COMMITTER_EMAIL"] = "test@example.com",
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }
        var git = ProcessRunner.Run(new ProcessCommand("git", args) { WorkingDirectory = Path, Environment = variables }, CancellationToken.None);
        Assert.True(git.Ok, $"git {string.Join(' ', args)}: {git.Stderr}");
        return git.StdoutText;
    }
}
