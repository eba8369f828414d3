using System.Text;
using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>
/// Derives a derivation's output paths as Nix does for a derivation whose inputs are plain
/// store paths: the ATerm (<c>Derive(...)</c>) with output paths blanked is hashed, and
/// each output's path is <c>makeStorePath("output:&lt;out&gt;", hash, name)</c>; a fixed-output
/// derivation's path comes from its pinned hash alone.
/// </summary>
public sealed class DerivationHasher(StoreDirectory storeDir)
{
    private readonly StorePathComputer _computer = new(storeDir);

    public const string HostInputsVariable = "qitechHostInputs";

    /// <summary>The output paths and the complete derivation text (what a .drv file holds).</summary>
    public ResolvedDerivation Resolve(Derivation derivation)
    {
        derivation.Validate();
        Dictionary<string, StorePath> outputs;
        if (derivation.FixedOutput is { } fixedOutput)
        {
            outputs = new() { ["out"] = _computer.MakeFixedOutputPath(fixedOutput.Recursive, fixedOutput.Hash, derivation.Name) };
        }
        else
        {
            var masked = ToATerm(derivation, derivation.Outputs.ToDictionary(o => o, _ => ""));
            var hash = Sha256Digest.Of(Encoding.UTF8.GetBytes(masked));
            outputs = derivation.Outputs.ToDictionary(o => o,
                o => _computer.MakeStorePath("output:" + o, hash, o == "out" ? derivation.Name : derivation.Name + "-" + o));
        }
        var text = ToATerm(derivation, outputs.ToDictionary(kv => kv.Key, kv => storeDir.Render(kv.Value)));
        return new ResolvedDerivation(derivation, outputs, text, Env(derivation, outputs.ToDictionary(kv => kv.Key, kv => storeDir.Render(kv.Value))));
    }

    /// <summary>The environment the builder sees: the derivation's own plus name, system, builder and outputs.</summary>
    private static SortedDictionary<string, string> Env(Derivation d, IReadOnlyDictionary<string, string> outputPaths)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in d.Env)
        {
            env[k] = v;
        }
        env["name"] = d.Name;
        env["system"] = d.System;
        env["builder"] = d.Builder;
        if (d.Outputs is not ["out"])
        {
            env["outputs"] = string.Join(' ', d.Outputs);
        }
        if (d.HostInputs.Count > 0)
        {
            env[HostInputsVariable] = string.Join(' ', d.HostInputs.Select(h => h.Describe()).Order(StringComparer.Ordinal));
        }
        foreach (var (name, path) in outputPaths)
        {
            env[name] = path;
        }
        return env;
    }

    private string ToATerm(Derivation d, IReadOnlyDictionary<string, string> outputPaths)
    {
        var sb = new StringBuilder("Derive([");
        var first = true;
        foreach (var output in outputPaths.Keys.Order(StringComparer.Ordinal))
        {
            sb.Append(first ? "" : ",").Append('(').Append(Quote(output)).Append(',').Append(Quote(outputPaths[output])).Append(',');
            first = false;
            if (d.FixedOutput is { } f)
            {
                sb.Append(Quote(f.Algorithm)).Append(',').Append(Quote(f.Hash.ToBase16()));
            }
            else
            {
                sb.Append("\"\",\"\"");
            }
            sb.Append(')');
        }
        sb.Append("],[],[");
        sb.AppendJoin(',', d.InputPaths.Select(storeDir.Render).Order(StringComparer.Ordinal).Select(Quote));
        sb.Append("],").Append(Quote(d.System)).Append(',').Append(Quote(d.Builder)).Append(",[");
        sb.AppendJoin(',', d.Args.Select(Quote));
        sb.Append("],[");
        sb.AppendJoin(',', Env(d, outputPaths).Select(kv => "(" + Quote(kv.Key) + "," + Quote(kv.Value) + ")"));
        sb.Append("])");
        return sb.ToString();
    }

    private static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
