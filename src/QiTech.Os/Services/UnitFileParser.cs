using QiTech.Os.Config;

namespace QiTech.Os.Services;

/// <summary>
/// Reads the subset of systemd's unit file syntax the supervisor needs. Unknown keys are
/// ignored, as systemd ignores them (NixOS units carry many sandboxing options); values
/// the supervisor would get wrong (an unsupported <c>Type=</c>, <c>Restart=</c> or
/// ExecStart prefix) are rejected with the file and line.
/// </summary>
public static class UnitFileParser
{
    public static ServiceUnit ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new UnitFileException(path, "cannot read: " + e.Message);
        }
        return Parse(Path.GetFileName(path), text, path);
    }

    /// <param name="unitName">"x.service": used for the %n/%N/%p specifiers.</param>
    /// <param name="text">The file's contents.</param>
    /// <param name="sourcePath">Named in errors.</param>
    public static ServiceUnit Parse(string unitName, string text, string sourcePath)
    {
        if (!unitName.EndsWith(".service", StringComparison.Ordinal) || unitName.Length == ".service".Length)
        {
            throw new UnitFileException(sourcePath, $"'{unitName}' is not a .service unit name");
        }
        var unit = new Builder(unitName, sourcePath);
        string? section = null;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            // A backslash that is the line's very last character and not itself escaped continues
            // the line, joined with a space, as systemd does; two backslashes, or a backslash and
            // a space, end it.
            var line = lines[index];
            while (EndsWithContinuation(line) && index + 1 < lines.Length)
            {
                index++;
                var next = lines[index];
                if (next.TrimStart().StartsWith('#') || next.TrimStart().StartsWith(';'))
                {
                    continue;
                }
                line = line[..^1] + " " + next;
            }
            line = line.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            var where = $"{sourcePath}:{lineNumber}";
            if (line[0] == '[')
            {
                if (!line.EndsWith(']'))
                {
                    throw new UnitFileException(where, $"section header '{line}' has no closing ']'");
                }
                section = line[1..^1];
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                throw new UnitFileException(where, $"expected Key=Value, found '{Shorten(line)}'");
            }
            if (section == null)
            {
                throw new UnitFileException(where, "assignment before the first [Section]");
            }
            unit.Set(section, line[..eq].Trim(), line[(eq + 1)..].Trim(), where);
        }
        return unit.Build();
    }

    private static bool EndsWithContinuation(string line) => (line.Length - line.TrimEnd('\\').Length) % 2 == 1;

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    private sealed class Builder(string name, string sourcePath)
    {
        private readonly List<string> _after = [];
        private readonly List<string> _requires = [];
        private readonly List<string> _wantedBy = [];
        private readonly List<ExecCommand> _execStart = [];
        private readonly List<KeyValuePair<string, string>> _environment = [];
        private readonly List<EnvironmentFileReference> _environmentFiles = [];
        private string? _description;
        private ServiceType _type = ServiceType.Simple;
        private string? _typeWhere;
        private string? _workingDirectory;
        private bool _workingDirectoryOptional;
        private readonly List<string> _stateDirectories = [];
        private string? _user;
        private string? _group;
        private RestartPolicy _restart = RestartPolicy.No;
        private TimeSpan _restartSec = TimeSpan.FromMilliseconds(100);
        private TimeSpan? _timeoutStopSec = TimeSpan.FromSeconds(90);
        private string? _secondExecWhere;

        public void Set(string section, string key, string value, string where)
        {
            switch (section, key)
            {
                case ("Unit", "Description"):
                    _description = value;
                    break;
                case ("Unit", "After"):
                    AddList(_after, value);
                    break;
                case ("Unit", "Requires"):
                    AddList(_requires, value);
                    break;
                case ("Install", "WantedBy"):
                    AddList(_wantedBy, value);
                    break;
                case ("Service", "Type"):
                    _type = value switch
                    {
                        "simple" => ServiceType.Simple,
                        "exec" => ServiceType.Exec,
                        "notify" => ServiceType.Notify,
                        "idle" => ServiceType.Idle,
                        "oneshot" => ServiceType.Oneshot,
                        _ => throw new UnitFileException(where, $"Type={value} is not supported (use simple, exec, notify, idle or oneshot)"),
                    };
                    _typeWhere = where;
                    break;
                case ("Service", "ExecStart"):
                    AddExecStart(value, where);
                    break;
                case ("Service", "Environment"):
                    var assignments = EnvironmentAssignments.ParseDirective(value, out var cause);
                    if (cause != null)
                    {
                        throw new UnitFileException(where, cause);
                    }
                    // systemd expands specifiers in each assignment after unquoting it.
                    _environment.AddRange(assignments.Select(a => new KeyValuePair<string, string>(a.Key, ResolveSpecifiers(a.Value, where))));
                    break;
                case ("Service", "EnvironmentFile"):
                    if (value.Length == 0)
                    {
                        _environmentFiles.Clear();
                        break;
                    }
                    var optional = value.StartsWith('-');
                    var file = optional ? value[1..] : value;
                    RequireAbsolute(file, "EnvironmentFile", where);
                    _environmentFiles.Add(new EnvironmentFileReference(file, optional));
                    break;
                case ("Service", "WorkingDirectory"):
                    _workingDirectoryOptional = value.StartsWith('-');
                    _workingDirectory = _workingDirectoryOptional ? value[1..] : value;
                    if (_workingDirectory != "~")
                    {
                        RequireAbsolute(_workingDirectory, "WorkingDirectory", where);
                    }
                    break;
                case ("Service", "StateDirectory"):
                    if (value.Length == 0)
                    {
                        _stateDirectories.Clear();
                        break;
                    }
                    foreach (var directory in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (directory.StartsWith('/') || directory.Split('/').Any(s => s is "" or "." or ".."))
                        {
                            throw new UnitFileException(where, $"StateDirectory={directory} must be a relative path below /var/lib without '.' or '..'");
                        }
                        _stateDirectories.Add(directory);
                    }
                    break;
                case ("Service", "User"):
                    _user = value;
                    break;
                case ("Service", "Group"):
                    _group = value;
                    break;
                case ("Service", "Restart"):
                    _restart = value switch
                    {
                        "no" => RestartPolicy.No,
                        "always" => RestartPolicy.Always,
                        "on-failure" => RestartPolicy.OnFailure,
                        _ => throw new UnitFileException(where, $"Restart={value} is not supported (use no, always or on-failure)"),
                    };
                    break;
                case ("Service", "RestartSec"):
                    _restartSec = ParseTime(value, key, where) ?? throw new UnitFileException(where, "RestartSec=infinity makes no sense");
                    break;
                case ("Service", "TimeoutStopSec") or ("Service", "TimeoutSec"):
                    _timeoutStopSec = ParseTime(value, key, where);
                    break;
            }
        }

        public ServiceUnit Build()
        {
            if (_execStart.Count == 0)
            {
                throw new UnitFileException(sourcePath, "[Service] has no ExecStart=");
            }
            if (_type != ServiceType.Oneshot && _execStart.Count > 1)
            {
                throw new UnitFileException(_secondExecWhere!, $"more than one ExecStart= needs Type=oneshot (the unit is Type={_type.ToString().ToLowerInvariant()})");
            }
            if (_type == ServiceType.Oneshot && _restart == RestartPolicy.Always)
            {
                throw new UnitFileException(_typeWhere ?? sourcePath, "Restart=always is not allowed with Type=oneshot");
            }
            return new ServiceUnit
            {
                Name = name,
                SourcePath = sourcePath,
                Description = _description,
                After = _after,
                Requires = _requires,
                WantedBy = _wantedBy,
                Type = _type,
                ExecStart = _execStart,
                Environment = _environment,
                EnvironmentFiles = _environmentFiles,
                WorkingDirectory = _workingDirectory,
                WorkingDirectoryOptional = _workingDirectoryOptional,
                StateDirectories = _stateDirectories,
                User = _user,
                Group = _group,
                Restart = _restart,
                RestartSec = _restartSec,
                TimeoutStopSec = _timeoutStopSec,
            };
        }

        private void AddExecStart(string value, string where)
        {
            if (value.Length == 0)
            {
                // An empty assignment resets the list, as in drop-ins.
                _execStart.Clear();
                return;
            }
            var ignoreFailure = false;
            var noSubstitution = false;
            var i = 0;
            for (; i < value.Length; i++)
            {
                switch (value[i])
                {
                    case '-':
                        ignoreFailure = true;
                        continue;
                    case ':':
                        noSubstitution = true;
                        continue;
                    case '+' or '!':
                        // Privilege and sandbox prefixes: the embedded supervisor applies no
                        // sandbox and switches user only as root, which is what they ask for.
                        continue;
                    case '@':
                        throw new UnitFileException(where, "ExecStart prefix '@' (a separate argv[0]) is not supported");
                }
                break;
            }
            var commandLine = ResolveSpecifiers(value[i..], where);
            if (!ExecLineSplitter.TryUnquote(commandLine, out var words, out var error))
            {
                throw new UnitFileException(where, error switch
                {
                    ExecLineError.Empty => "ExecStart= names no command",
                    ExecLineError.UnterminatedQuote => "ExecStart= has an unterminated quote",
                    ExecLineError.TrailingBackslash => "ExecStart= ends with a backslash",
                    _ => "ExecStart= has an unknown backslash escape",
                });
            }
            var program = words[0];
            if (!program.StartsWith('/') && program.Contains('/'))
            {
                throw new UnitFileException(where, $"ExecStart= program '{program}' must be an absolute path or a plain name");
            }
            if (program.Split('/').Any(s => s == ".."))
            {
                throw new UnitFileException(where, $"ExecStart= program '{program}' must not contain '..'");
            }
            if (_execStart.Count == 1)
            {
                _secondExecWhere = where;
            }
            _execStart.Add(new ExecCommand(commandLine, ignoreFailure, noSubstitution, where));
        }

        private string ResolveSpecifiers(string text, string where)
        {
            var prefix = name[..name.LastIndexOf('.')];
            var result = new System.Text.StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] != '%')
                {
                    result.Append(text[i]);
                    continue;
                }
                if (i + 1 >= text.Length)
                {
                    throw new UnitFileException(where, "a '%' ends the line (write %% for a literal %)");
                }
                var specifier = text[++i];
                result.Append(specifier switch
                {
                    '%' => "%",
                    'n' => name,
                    'N' => prefix,
                    'p' => prefix.Split('@')[0],
                    'i' => prefix.Contains('@') ? prefix[(prefix.IndexOf('@') + 1)..] : "",
                    _ => throw new UnitFileException(where, $"specifier '%{specifier}' is not supported (supported: %%, %n, %N, %p, %i)"),
                });
            }
            return result.ToString();
        }

        private static TimeSpan? ParseTime(string value, string key, string where) =>
            SystemdTimeSpan.TryParse(value, out var span)
                ? span
                : throw new UnitFileException(where, $"{key}={value} is not a time span (e.g. 5, 500ms, 1min 30s, infinity)");

        private static void RequireAbsolute(string path, string key, string where)
        {
            if (!path.StartsWith('/') || path.Split('/').Any(s => s == ".."))
            {
                throw new UnitFileException(where, $"{key}={path} must be an absolute path without '..'");
            }
        }

        private static void AddList(List<string> list, string value)
        {
            if (value.Length == 0)
            {
                list.Clear();
                return;
            }
            list.AddRange(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
