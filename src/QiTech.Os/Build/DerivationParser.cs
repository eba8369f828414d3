using System.Text;
using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>
/// Reads a derivation back from its ATerm text (what the store keeps as <c>&lt;name&gt;.drv</c>),
/// so a built path can be rebuilt from its deriver. Variables the hasher adds (name, system,
/// builder, outputs, host inputs) become fields again.
/// </summary>
public static class DerivationParser
{
    public static Derivation Parse(string text, StoreDirectory storeDir, string where)
    {
        var reader = new Reader(text, where);
        reader.Expect("Derive([");
        var outputs = new List<string>();
        FixedOutput? fixedOutput = null;
        reader.List(() =>
        {
            reader.Expect("(");
            var name = reader.String();
            reader.Expect(",");
            reader.String();
            reader.Expect(",");
            var algorithm = reader.String();
            reader.Expect(",");
            var hash = reader.String();
            reader.Expect(")");
            outputs.Add(name);
            if (algorithm.Length > 0)
            {
                if (algorithm is not ("sha256" or "r:sha256") || !Sha256Digest.TryParse(hash, out var digest))
                {
                    throw reader.Error($"unsupported fixed-output hash '{algorithm}:{hash}'");
                }
                fixedOutput = new FixedOutput(digest, algorithm == "r:sha256");
            }
        }, "]");
        reader.Expect(",[],[");
        var inputs = new HashSet<StorePath>();
        reader.List(() =>
        {
            var path = reader.String();
            inputs.Add(storeDir.TryParse(path, out var p, out var error) ? p : throw reader.Error($"input '{path}' {error.Describe()}"));
        }, "]");
        reader.Expect(",");
        var system = reader.String();
        reader.Expect(",");
        var builder = reader.String();
        reader.Expect(",[");
        var args = new List<string>();
        reader.List(() => args.Add(reader.String()), "]");
        reader.Expect(",[");
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        reader.List(() =>
        {
            reader.Expect("(");
            var key = reader.String();
            reader.Expect(",");
            env[key] = reader.String();
            reader.Expect(")");
        }, "]");
        reader.Expect(")");
        var hostInputs = new List<HostInput>();
        if (env.Remove(DerivationHasher.HostInputsVariable, out var hosts))
        {
            foreach (var item in hosts.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                hostInputs.Add(HostInput.TryParseDescription(item, out var h) ? h : throw reader.Error($"malformed host input '{item}'"));
            }
        }
        var name = env.GetValueOrDefault("name") ?? throw reader.Error("no 'name' variable");
        // The text lists outputs sorted; their declared order (which enters the hash) is in "outputs".
        if (env.TryGetValue("outputs", out var declared))
        {
            var order = declared.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!order.Order(StringComparer.Ordinal).SequenceEqual(outputs.Order(StringComparer.Ordinal)))
            {
                throw reader.Error("the 'outputs' variable does not match the outputs");
            }
            outputs = [.. order];
        }
        foreach (var computed in outputs.Concat(["name", "system", "builder", "outputs"]))
        {
            env.Remove(computed);
        }
        return new Derivation
        {
            Name = name,
            Builder = builder,
            Args = args,
            Env = env,
            InputPaths = inputs,
            HostInputs = hostInputs,
            FixedOutput = fixedOutput,
            System = system,
            Outputs = outputs,
        };
    }

    private sealed class Reader(string text, string where)
    {
        private int _pos;

        public void Expect(string token)
        {
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0)
            {
                throw Error($"expected '{token}'");
            }
            _pos += token.Length;
        }

        public void List(Action item, string end)
        {
            var first = true;
            while (!text.AsSpan(_pos).StartsWith(end, StringComparison.Ordinal))
            {
                if (!first)
                {
                    Expect(",");
                }
                item();
                first = false;
            }
            Expect(end);
        }

        public string String()
        {
            Expect("\"");
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != '"')
            {
                var c = text[_pos++];
                if (c == '\\' && _pos < text.Length)
                {
                    var e = text[_pos++];
                    sb.Append(e switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => e });
                }
                else
                {
                    sb.Append(c);
                }
            }
            Expect("\"");
            return sb.ToString();
        }

        public BuildException Error(string what) => new($"{where}: malformed derivation at offset {_pos}: {what}");
    }
}
