using System.CommandLine;
using QiTech.Os.Build;
using QiTech.Os.Config;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os derivation dotnet-publish DIR --project P</c>: add a source tree to the
/// store (inside a git work tree: what git would commit), fetch the NuGet packages the lock
/// files of the project and its project references pin, and publish the project in the sandbox.
/// </summary>
public static class DerivationDotnetPublishCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Source tree (a checkout without build outputs)" };
        var project = new Option<string>("--project") { Description = "Project file, relative to DIR", Required = true };
        var name = new Option<string?>("--name") { Description = "Package name (default: the project's file name)" };
        var epoch = new Option<long>("--source-date-epoch") { Description = "SOURCE_DATE_EPOCH for the build", DefaultValueFactory = _ => 315532800 };
        var check = new Option<bool>("--check") { Description = "Also rebuild once more and fail if the bits differ" };
        var command = new Command("dotnet-publish", "Publish a .NET project reproducibly in the build sandbox; prints the output path") { dir, project, name, epoch, check };
        command.SetAction(async (parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            using var store = LocalStore.Open(layout);
            var sourceDir = Path.GetFullPath(parse.GetValue(dir)!);
            var projectPath = parse.GetValue(project)!;
            if (!File.Exists(Path.Combine(sourceDir, projectPath)))
            {
                throw new QiTech.Os.Errors.BadInputException($"--project '{projectPath}': no such file in {sourceDir}");
            }
            // As a configuration's package: what git would commit, so local build outputs stay out.
            QiTech.Os.Nix.StorePath source;
            using (var snapshot = SourceSnapshot.Take(sourceDir, cancel))
            {
                source = store.AddPath(snapshot.Path, SourceSnapshot.StoreName, cancel);
            }
            var lockFiles = PackageDerivations.LockFiles(Path.Combine(sourceDir, projectPath), sourceDir);
            var builder = new DerivationBuilder(store);
            QiTech.Os.Nix.StorePath? feed = null;
            if (lockFiles.Count > 0)
            {
                feed = (await builder.BuildAsync(NuGetFeed.Create(lockFiles.SelectMany(NuGetLockFile.Read)), cancel: cancel)).Out;
            }
            var packageName = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(projectPath);
            var derivation = DotnetPackage.Create(packageName, source, projectPath, layout.StoreDir, feed, parse.GetValue(epoch));
            var result = await builder.BuildAsync(derivation, new BuildOptions { Log = new Progress<string>(Console.Error.WriteLine) }, cancel);
            if (parse.GetValue(check))
            {
                await builder.BuildAsync(derivation, new BuildOptions { Check = true }, cancel);
            }
            Console.Out.WriteLine(store.Render(result.Out));
            return 0;
        });
        return command;
    }
}
