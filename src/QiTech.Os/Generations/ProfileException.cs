using QiTech.Os.Errors;

namespace QiTech.Os.Generations;

/// <summary>The profile links are broken or hand-edited: a clear message, exit code 2, nothing changed.</summary>
public sealed class ProfileException(string message) : BadInputException(message)
{
    public static ProfileException NotALink(string path) =>
        new($"{path}: expected a symlink made by qitech-os, found a file or directory (hand-edited profile?)");

    public static ProfileException BadDefault(string path, string target) =>
        new($"{path}: points to '{target}', which is not a system-<N>-link of this profile");

    public static ProfileException MissingGeneration(string path, string target) =>
        new($"{path}: points to '{target}', which does not exist");

    public static ProfileException BadGeneration(string path, string target) =>
        new($"{path}: points to '{target}', which is not a store path in this store");
}
