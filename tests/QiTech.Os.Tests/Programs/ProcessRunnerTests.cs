using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Programs;

public sealed class ProcessRunnerTests : IDisposable
{
    // Bounds a run that would otherwise hang the suite; the assertions never depend on it.
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private readonly TempDir _temp = new("qitech-runner");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_cancel_kills_the_program_and_what_it_started()
    {
        var pids = _temp.Combine("pids");
        using var cancel = new CancellationTokenSource();
        // The shell's own pid and its background child's, written once both run.
        var run = ProcessRunner.RunAsync(new ProcessCommand("sh", ["-c", "sleep 100 & echo \"$$ $!\" > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; sleep 100", pids]), cancel.Token);
        var shell = await WaitForPidsAsync(pids, run);
        Assert.Contains(shell[1], ProcessGroups.LiveMembers(shell[0])); // the child is in the program's group

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await WaitGoneAsync(shell);
        Assert.Empty(ProcessGroups.LiveMembers(shell[0]));
        Assert.All(shell, pid => Assert.False(IsAlive(pid), $"process {pid} survived the cancel"));
    }

    [Fact]
    public async Task A_program_filling_stderr_before_it_writes_stdout_does_not_stall()
    {
        using var hang = new CancellationTokenSource(Hang);
        // 1 MiB on stderr is far more than a pipe holds: read one pipe after the other and both wait forever.
        var result = await ProcessRunner.RunAsync(new ProcessCommand("sh", ["-c", "head -c 1048576 /dev/zero | tr '\\0' e >&2; echo out"]), hang.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("out\n", result.StdoutText);
        Assert.Equal(1048576, result.Stderr.Length);
    }

    [Fact]
    public async Task Input_is_written_while_output_is_read()
    {
        using var hang = new CancellationTokenSource(Hang);
        var input = new byte[4 * 1048576];
        Random.Shared.NextBytes(input);

        var result = await ProcessRunner.RunAsync(new ProcessCommand("cat", []) { Input = input }, hang.Token);

        Assert.Equal(input, result.Stdout);
    }

    [Fact]
    public async Task Lines_of_both_streams_arrive_whole()
    {
        using var hang = new CancellationTokenSource(Hang);
        var lines = new List<string>();

        var exit = await ProcessRunner.RunLinesAsync(new ProcessCommand("sh", ["-c", "for i in $(seq 1 2000); do echo \"err $i\" >&2; echo \"out $i\"; done; exit 3"]), lines.Add, hang.Token);

        Assert.Equal(3, exit);
        Assert.Equal(4000, lines.Count);
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => $"out {i}"), lines.Where(l => l.StartsWith("out ", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => $"err {i}"), lines.Where(l => l.StartsWith("err ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_environment_is_exactly_what_the_command_says_when_nothing_is_inherited()
    {
        using var hang = new CancellationTokenSource(Hang);

        var result = await ProcessRunner.RunAsync(new ProcessCommand("/usr/bin/env", [])
        {
            Inherit = _ => false,
            Environment = new Dictionary<string, string> { ["ONLY"] = "this" },
        }, hang.Token);

        Assert.Equal("ONLY=this\n", result.StdoutText);
    }

    [Fact]
    public async Task What_the_program_leaves_running_when_it_exits_goes_with_it()
    {
        using var hang = new CancellationTokenSource(Hang);
        var pids = _temp.Combine("left");

        // The background sleep keeps stdout open: without the group's end, the read would wait until the run is cancelled.
        var result = await ProcessRunner.RunAsync(new ProcessCommand("sh", ["-c", "sleep 1000 & echo \"$$ $!\" > \"$0\"", pids]), hang.Token);

        Assert.Equal(0, result.ExitCode);
        var left = File.ReadAllText(pids).Split(' ', StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
        await WaitGoneAsync(left);
        Assert.False(IsAlive(left[1]), $"the background process {left[1]} survived its program");
    }

    [Fact]
    public async Task A_missing_program_is_said_in_one_line()
    {
        var e = await Assert.ThrowsAsync<ProgramNotFoundException>(() =>
            ProcessRunner.RunAsync(new ProcessCommand("qitech-no-such-program", []), CancellationToken.None));

        Assert.Equal("cannot run 'qitech-no-such-program': it is not installed on this machine", e.Message);
    }

    private static async Task<List<int>> WaitForPidsAsync(string file, Task run)
    {
        while (!File.Exists(file))
        {
            Assert.False(run.IsCompleted, "the program ended before it wrote its pids");
            await Task.Delay(10);
        }
        return File.ReadAllText(file).Split(' ', StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
    }

    /// <summary>
    /// A process killed a moment ago may still be on its way out (its pipes closed, not yet a
    /// zombie) on a loaded machine: it must be gone soon, not at this very instant.
    /// </summary>
    private static async Task WaitGoneAsync(IEnumerable<int> pids)
    {
        for (var tries = 0; tries < 200 && pids.Any(IsAlive); tries++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Running or sleeping; a zombie waiting for its reaper is gone for this purpose.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
