using QiTech.Os.Access;

namespace QiTech.Os.Tests.Access;

/// <summary>Who may change the system, judged against this machine's real user and group database and /proc.</summary>
public sealed class AccessPolicyTests
{
    private const uint Nobody = 65534;
    private const string NoSuchGroup = "qitech-test-no-such-group";

    [Fact]
    public void Should_admit_root_and_the_daemons_own_user_whatever_the_group()
    {
        var policy = new AccessPolicy(NoSuchGroup, 4242);

        Assert.True(policy.MayChange(0));
        Assert.True(policy.MayChange(4242));
        Assert.False(policy.MayChange(4243));
        Assert.False(new AccessPolicy(NoSuchGroup, null).MayChange(4242));
    }

    [Fact]
    public void Should_admit_a_user_by_the_group_database_when_no_process_is_known()
    {
        // nobody's primary group is nogroup (65534) in Debian's passwd.
        Assert.True(new AccessPolicy("nogroup", null).MayChange(Nobody));
        Assert.False(new AccessPolicy("root", null).MayChange(Nobody));
        Assert.False(new AccessPolicy(NoSuchGroup, null).MayChange(Nobody));
    }

    [Fact]
    public void Should_judge_a_known_process_by_the_groups_it_holds_now()
    {
        // A uid the group database does not know, so only /proc can admit it: this process
        // holds the group of its own effective gid.
        const uint unknownUid = 3_999_999;
        var ownGroup = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Gid:", StringComparison.Ordinal))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2];
        var name = File.ReadLines("/etc/group").Select(l => l.Split(':')).First(f => f[2] == ownGroup)[0];

        Assert.True(new AccessPolicy(name, null).MayChange(unknownUid, pid: Environment.ProcessId));
        Assert.False(new AccessPolicy(name, null).MayChange(unknownUid));
        Assert.True(new AccessPolicy(name, null).MayChange(unknownUid, gid: uint.Parse(ownGroup)));
    }

    [Fact]
    public void Should_fall_back_to_the_group_database_when_the_process_is_gone()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();

        Assert.True(new AccessPolicy("nogroup", null).MayChange(Nobody, pid: gone.Id));
        Assert.False(new AccessPolicy("root", null).MayChange(Nobody, pid: gone.Id));
    }

    [Support.RootFact]
    public void Should_take_the_daemons_user_from_its_socket_files_owner()
    {
        using var temp = new Support.TempDir("qitech-policy");
        var socket = temp.Combine("daemon.sock");
        File.WriteAllText(socket, "");
        QiTech.Os.Platform.Posix.Chown(socket, 4321, 4321);

        Assert.True(AccessPolicy.ForDaemonSocket(NoSuchGroup, socket).MayChange(4321));
        Assert.False(AccessPolicy.ForDaemonSocket(NoSuchGroup, temp.Combine("missing.sock")).MayChange(4321));
    }
}
