using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Jobs;
using QiTech.Os.Store;

namespace QiTech.Os.Daemon;

/// <summary>
/// <c>qitech-osd boot-check</c>: what the <c>qitech-boot-check</c> unit runs, ordered before
/// boot-complete.target. Waits until the daemon answers, then for this boot's health-check job;
/// exits 0 when the booted generation came up healthy, 1 when not — so boot-complete.target is
/// not reached, systemd-bless-boot leaves the entry counting down, and after its last try the
/// boot loader passes it over. systemd's TimeoutStartSec bounds the wait.
/// </summary>
public static class BootCheckWait
{
    public static async Task<int> RunAsync(SystemLayout layout, CancellationToken cancel)
    {
        DaemonClient? client;
        while ((client = DaemonClient.TryConnect(layout)) == null)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancel);
        }
        using (client)
        {
            var check = (await client.JobsAsync(cancel)).Where(j => j.Kind == JobKind.BootCheck).MaxBy(j => j.Id);
            if (check != null)
            {
                var job = await client.WaitForJobAsync(check.Id, line => Console.Out.WriteLine(line), cancel);
                if (!job.Succeeded)
                {
                    Console.Error.WriteLine($"qitech-osd: this boot is not healthy: {job.Error}");
                    return 1;
                }
            }
            // No check job (the daemon restarted since its first start of this boot): the boot
            // counts as healthy only if that check passed — the booted generation is known-good.
            var status = await client.StatusAsync(cancel);
            if (check == null && status.Booted is not { KnownGood: true })
            {
                Console.Error.WriteLine($"qitech-osd: this boot's health check did not run to its end (the daemon restarted); generation {status.Booted?.Number.ToString() ?? "(none)"} is not known-good");
                return 1;
            }
            if (status.Booted is { Failure: { } failure } booted)
            {
                Console.Error.WriteLine($"qitech-osd: generation {booted.Number} is marked failed: {failure}");
                return 1;
            }
            Console.Out.WriteLine($"qitech-osd: generation {status.Booted?.Number.ToString() ?? "(none)"} booted healthy");
            return 0;
        }
    }
}
