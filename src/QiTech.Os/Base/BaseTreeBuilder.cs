using QiTech.Os.Build;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// Builds a base's root tree offline: mmdebstrap in the sandbox with no network, reading
/// only the offline mirror of the lock (<see cref="OfflineMirror"/>), so it can install
/// nothing but the pinned .debs. The target is a directory, or a tarball when its name ends
/// in .tar (mmdebstrap chooses by the name); with the same .debs it is the tree an online
/// mmdebstrap of those versions makes.
/// </summary>
public sealed class BaseTreeBuilder(LocalStore store)
{
    public IProgress<string>? Log { get; init; }

    /// <summary>mmdebstrap options added after the common ones (e.g. <c>--skip=output/dev</c>).</summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = [];

    public async Task BuildAsync(BaseRequest request, StorePath mirror, string target, CancellationToken cancel = default)
    {
        if (!MmdebstrapSandbox.IsRoot)
        {
            throw new QiTechOsException("building a base runs mmdebstrap as root (files owned by other users, device nodes): run this command as root");
        }
        var full = Path.GetFullPath(target);
        if (Path.Exists(full) && !(Directory.Exists(full) && !Directory.EnumerateFileSystemEntries(full).Any()))
        {
            throw new BadInputException($"{target}: the base's target must not exist yet (or be an empty folder)");
        }
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            throw new BadInputException($"{target}: no folder {parent}");
        }
        var logical = store.Render(mirror);
        var work = Path.Combine(parent, "." + Path.GetFileName(full) + ".work-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(work, "tmp"));
            var name = Path.GetFileName(full);
            var args = new List<string>(MmdebstrapSandbox.CommonOptions(request));
            args.AddRange(ExtraOptions);
            args.AddRange([request.Suite, MmdebstrapSandbox.OutDir + "/" + name, OfflineMirror.SourcesLine(logical, request)]);
            var sandbox = new MmdebstrapSandbox
            {
                Network = false,
                HostOutDir = work,
                ReadOnly = [.. store.Closure([mirror]).Select(p => (store.PhysicalPath(p), store.Render(p)))],
                MmdebstrapArgs = args,
            };
            Directory.CreateDirectory(store.Layout.LogDir + "/builds");
            var logPath = store.Layout.LogDir + "/builds/base-" + mirror.HashPart + ".log";
            await DerivationBuilder.RunAsync("base " + request.Describe(), sandbox.Arguments(), logPath, new BuildOptions { Log = Log }, cancel);
            var built = Path.Combine(work, name);
            if (Directory.Exists(full))
            {
                Directory.Delete(full);
            }
            if (Directory.Exists(built))
            {
                Directory.Move(built, full);
            }
            else
            {
                File.Move(built, full);
            }
        }
        finally
        {
            TreeRemover.Remove(work);
        }
    }
}
