using Microsoft.Data.Sqlite;
using QiTech.Os.Errors;
using QiTech.Os.Nix;

namespace QiTech.Os.Store;

/// <summary>
/// The valid-path database in SQLite, with Nix's table layout (ValidPaths, Refs). Paths are
/// stored as full logical strings, as Nix does. Journal in WAL mode with full sync, so a
/// committed registration survives power loss.
/// </summary>
internal sealed class StoreDatabase : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS ValidPaths (
            id               INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            path             TEXT UNIQUE NOT NULL,
            hash             TEXT NOT NULL,
            registrationTime INTEGER NOT NULL,
            deriver          TEXT,
            narSize          INTEGER,
            ultimate         INTEGER,
            sigs             TEXT,
            ca               TEXT
        );
        CREATE TABLE IF NOT EXISTS Refs (
            referrer  INTEGER NOT NULL,
            reference INTEGER NOT NULL,
            PRIMARY KEY (referrer, reference),
            FOREIGN KEY (referrer) REFERENCES ValidPaths(id) ON DELETE CASCADE,
            FOREIGN KEY (reference) REFERENCES ValidPaths(id) ON DELETE RESTRICT
        );
        CREATE INDEX IF NOT EXISTS IndexReferrer ON Refs(referrer);
        CREATE INDEX IF NOT EXISTS IndexReference ON Refs(reference);
        """;

    private readonly SqliteConnection _db;
    private readonly StoreDirectory _storeDir;

    public StoreDatabase(string file, StoreDirectory storeDir)
    {
        _storeDir = storeDir;
        _db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
        try
        {
            _db.Open();
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=60000;");
            Execute(Schema);
        }
        catch (SqliteException e)
        {
            throw new QiTechOsException($"{file}: cannot open the store database: {e.Message}", inner: e);
        }
    }

    public bool IsValid(StorePath path)
    {
        using var cmd = Command("SELECT 1 FROM ValidPaths WHERE path = $p", ("$p", Render(path)));
        return cmd.ExecuteScalar() != null;
    }

    public PathInfo? Query(StorePath path)
    {
        using var cmd = Command("SELECT id, hash, registrationTime, deriver, narSize, sigs, ca FROM ValidPaths WHERE path = $p", ("$p", Render(path)));
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }
        var id = r.GetInt64(0);
        if (!Sha256Digest.TryParse(r.GetString(1), out var hash))
        {
            throw new QiTechOsException($"store database: path {Render(path)} has a malformed hash '{r.GetString(1)}'");
        }
        var deriver = r.IsDBNull(3) || r.GetString(3).Length == 0 ? (StorePath?)null : Parse(r.GetString(3));
        var info = new PathInfo(path, hash, r.IsDBNull(4) ? 0 : r.GetInt64(4), References(id), deriver,
            DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2)),
            r.IsDBNull(5) ? [] : r.GetString(5).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            r.IsDBNull(6) ? null : r.GetString(6));
        return info;
    }

    public IReadOnlyList<StorePath> AllValid()
    {
        using var cmd = Command("SELECT path FROM ValidPaths");
        using var r = cmd.ExecuteReader();
        var result = new List<StorePath>();
        while (r.Read())
        {
            result.Add(Parse(r.GetString(0)));
        }
        return result;
    }

    /// <summary>Registers paths in one transaction; references must be valid or among <paramref name="infos"/>.</summary>
    public void Register(IReadOnlyCollection<PathInfo> infos)
    {
        using var tx = _db.BeginTransaction();
        foreach (var info in infos)
        {
            using var cmd = Command(
                "INSERT OR IGNORE INTO ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) VALUES ($p, $h, $t, $d, $n, 1, $s, $c)",
                ("$p", Render(info.Path)), ("$h", info.NarHash.ToTypedBase16()), ("$t", info.RegistrationTime.ToUnixTimeSeconds()),
                ("$d", info.Deriver is { } d ? Render(d) : null), ("$n", info.NarSize),
                ("$s", info.Signatures.Count == 0 ? null : string.Join(' ', info.Signatures)), ("$c", info.ContentAddress));
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }
        foreach (var info in infos)
        {
            foreach (var reference in info.References)
            {
                using var cmd = Command(
                    "INSERT OR IGNORE INTO Refs (referrer, reference) SELECT a.id, b.id FROM ValidPaths a, ValidPaths b WHERE a.path = $a AND b.path = $b",
                    ("$a", Render(info.Path)), ("$b", Render(reference)));
                cmd.Transaction = tx;
                if (cmd.ExecuteNonQuery() != 1 && !Exists(tx, info.Path, reference))
                {
                    throw new QiTechOsException($"cannot register {Render(info.Path)}: its reference {Render(reference)} is not valid");
                }
            }
        }
        tx.Commit();
    }

    /// <summary>Forgets paths in one transaction (their referrers must go with them).</summary>
    public void Invalidate(IReadOnlyCollection<StorePath> paths)
    {
        using var tx = _db.BeginTransaction();
        foreach (var path in paths)
        {
            using var cmd = Command("DELETE FROM Refs WHERE referrer = (SELECT id FROM ValidPaths WHERE path = $p)", ("$p", Render(path)));
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }
        foreach (var path in paths)
        {
            using var cmd = Command("DELETE FROM ValidPaths WHERE path = $p", ("$p", Render(path)));
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Paths that refer to <paramref name="path"/>.</summary>
    public IReadOnlyList<StorePath> Referrers(StorePath path)
    {
        using var cmd = Command(
            "SELECT a.path FROM Refs r JOIN ValidPaths a ON a.id = r.referrer JOIN ValidPaths b ON b.id = r.reference WHERE b.path = $p",
            ("$p", Render(path)));
        using var r = cmd.ExecuteReader();
        var result = new List<StorePath>();
        while (r.Read())
        {
            result.Add(Parse(r.GetString(0)));
        }
        return result;
    }

    private bool Exists(SqliteTransaction tx, StorePath a, StorePath b)
    {
        using var cmd = Command(
            "SELECT 1 FROM Refs r JOIN ValidPaths x ON x.id = r.referrer JOIN ValidPaths y ON y.id = r.reference WHERE x.path = $a AND y.path = $b",
            ("$a", Render(a)), ("$b", Render(b)));
        cmd.Transaction = tx;
        return cmd.ExecuteScalar() != null;
    }

    private List<StorePath> References(long id)
    {
        using var cmd = Command("SELECT v.path FROM Refs r JOIN ValidPaths v ON v.id = r.reference WHERE r.referrer = $id ORDER BY v.path", ("$id", id));
        using var r = cmd.ExecuteReader();
        var result = new List<StorePath>();
        while (r.Read())
        {
            result.Add(Parse(r.GetString(0)));
        }
        return result;
    }

    private string Render(StorePath path) => _storeDir.Render(path);

    private StorePath Parse(string text) =>
        _storeDir.TryParse(text, out var path, out var error)
            ? path
            : throw new QiTechOsException($"store database holds '{text}', which {error.Describe()} (store directory {_storeDir})");

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return cmd;
    }

    public void Dispose() => _db.Dispose();
}
