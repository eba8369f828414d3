namespace QiTech.Os.Sources;

/// <summary>
/// <c>QITECH_OS_GIT_ABBREVIATION</c> as the original has it: an exact tag, else a branch, else
/// the short hash. Where the commit has several: the name the operator chose when it is one of
/// them; else the highest tag in git's version order (<c>v1.10</c> above <c>v1.9</c>, as
/// <c>git tag --sort=-version:refname</c> lists them), and among branches the first by ordinal
/// order. A name that could not be installed (<see cref="GitRefName"/> refuses it: a tag
/// <c>--upload-pack=x</c>) is never chosen.
/// </summary>
public static class AbbreviationRule
{
    /// <param name="chosen">The ref the operator chose, if any.</param>
    /// <param name="tagsByVersion">The commit's tags, highest version first.</param>
    /// <param name="branches">The commit's branches, in any order.</param>
    /// <param name="shortHash">The commit's short hash.</param>
    public static string Choose(string? chosen, IEnumerable<string> tagsByVersion, IEnumerable<string> branches, string shortHash)
    {
        var tags = tagsByVersion.Where(Installable).ToList();
        if (tags.Count > 0)
        {
            return chosen is not null && tags.Contains(chosen) ? chosen : tags[0];
        }
        var heads = branches.Where(Installable).Order(StringComparer.Ordinal).ToList();
        if (heads.Count > 0)
        {
            return chosen is not null && heads.Contains(chosen) ? chosen : heads[0];
        }
        return shortHash;
    }

    private static bool Installable(string name) => GitRefName.TryParse(name, out _, out _);
}
