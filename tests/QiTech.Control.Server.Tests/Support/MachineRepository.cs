using System.Diagnostics;

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
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output.Result;
    }
}
