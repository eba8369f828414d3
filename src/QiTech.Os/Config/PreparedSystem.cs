using QiTech.Os.Base;
using QiTech.Os.Build;

namespace QiTech.Os.Config;

/// <summary>
/// A configuration evaluated against the store, with the derivations of the packages it
/// builds from source and the lock of its Debian base (null: the system runs on the host's OS).
/// </summary>
public sealed record PreparedSystem(Evaluation Evaluation, IReadOnlyList<Derivation> Packages, BaseLock? Base = null);
