namespace QiTech.Os.Nix;

/// <summary>Why a text is not a store path.</summary>
public enum StorePathError
{
    None,
    NotInStore,
    TooShort,
    InvalidHash,
    MissingDash,
    InvalidName,
    HasSubpath,
}

public static class StorePathErrorText
{
    public static string Describe(this StorePathError error) => error switch
    {
        StorePathError.NotInStore => "is not inside the store directory",
        StorePathError.TooShort => "is too short to be a store path",
        StorePathError.InvalidHash => "has a hash part that is not 32 nix-base32 characters",
        StorePathError.MissingDash => "lacks the '-' between hash and name",
        StorePathError.InvalidName => "has a name that is empty, too long, starts with '.' or uses characters outside [A-Za-z0-9+-._?=]",
        StorePathError.HasSubpath => "names a file inside a store path, not a store path",
        _ => "is valid",
    };
}
