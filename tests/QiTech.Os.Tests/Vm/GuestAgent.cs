using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// The qemu guest agent on its host-side socket (newline-delimited JSON): runs commands in
/// the guest through guest-exec and collects their output. Each connection starts with a
/// guest-sync of a fresh id, so answers meant for an earlier connection are skipped.
/// </summary>
public sealed class GuestAgent(string socketPath)
{
    public sealed record ExecResult(int ExitCode, string Stdout, string Stderr);

    /// <summary>Waits until the agent in the guest answers (the guest has booted far enough).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var connection = await ConnectAsync(TimeSpan.FromSeconds(10));
                return;
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the guest agent did not answer within {timeout}\n{diagnostics?.Invoke()}");
                }
                await Task.Delay(2000);
            }
        }
    }

    /// <summary>Runs <paramref name="command"/> with /bin/sh -c in the guest and waits for it.</summary>
    public async Task<ExecResult> ExecAsync(string command, TimeSpan? timeout = null)
    {
        using var connection = await ConnectAsync(TimeSpan.FromSeconds(30));
        var started = await connection.CallAsync(new JsonObject
        {
            ["execute"] = "guest-exec",
            ["arguments"] = new JsonObject
            {
                ["path"] = "/bin/sh",
                ["arg"] = new JsonArray("-c", command),
                ["capture-output"] = true,
            },
        }, TimeSpan.FromSeconds(30));
        var pid = started!["pid"]!.GetValue<int>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var status = await connection.CallAsync(new JsonObject
            {
                ["execute"] = "guest-exec-status",
                ["arguments"] = new JsonObject { ["pid"] = pid },
            }, TimeSpan.FromSeconds(30));
            if (status!["exited"]!.GetValue<bool>())
            {
                return new ExecResult(status["exitcode"]?.GetValue<int>() ?? -1, Decode(status["out-data"]), Decode(status["err-data"]));
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{command}' did not finish in the guest within {timeout}");
            }
            await Task.Delay(300);
        }
    }

    /// <summary>Starts <paramref name="command"/> in the guest without waiting for it (a reboot, which ends the agent too).</summary>
    public async Task SpawnAsync(string command)
    {
        using var connection = await ConnectAsync(TimeSpan.FromSeconds(30));
        await connection.CallAsync(new JsonObject
        {
            ["execute"] = "guest-exec",
            ["arguments"] = new JsonObject { ["path"] = "/bin/sh", ["arg"] = new JsonArray("-c", command) },
        }, TimeSpan.FromSeconds(30));
    }

    /// <summary>As <see cref="ExecAsync"/>, failing the test unless the command exits 0; returns its stdout.</summary>
    public async Task<string> RunAsync(string command, TimeSpan? timeout = null)
    {
        var result = await ExecAsync(command, timeout);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new Xunit.Sdk.XunitException($"in the guest, '{command}' exited {result.ExitCode}:\n{result.Stdout}{result.Stderr}");
    }

    private static string Decode(JsonNode? base64) =>
        base64 == null ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(base64.GetValue<string>()));

    private async Task<Connection> ConnectAsync(TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
            var connection = new Connection(socket);
            var id = Random.Shared.NextInt64(1, long.MaxValue);
            _ = await connection.CallAsync(new JsonObject { ["execute"] = "guest-sync", ["arguments"] = new JsonObject { ["id"] = id } }, timeout,
                reply => reply["return"] is JsonValue v && v.TryGetValue<long>(out var got) && got == id);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class Connection(Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly List<byte> _pending = [];

        public async Task<JsonNode?> CallAsync(JsonObject request, TimeSpan timeout, Func<JsonObject, bool>? accept = null)
        {
            var bytes = Encoding.UTF8.GetBytes(request.ToJsonString() + "\n");
            await _stream.WriteAsync(bytes);
            using var cancel = new CancellationTokenSource(timeout);
            while (true)
            {
                string line;
                try
                {
                    line = await ReadLineAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"the guest agent did not answer {request["execute"]} within {timeout}");
                }
                JsonObject reply;
                try
                {
                    reply = JsonNode.Parse(line) as JsonObject ?? [];
                }
                catch (JsonException)
                {
                    continue;
                }
                if (reply["error"] is JsonObject error)
                {
                    throw new IOException($"guest agent: {request["execute"]}: {error["desc"]}");
                }
                if (accept == null || accept(reply))
                {
                    return reply["return"];
                }
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancel)
        {
            var buffer = new byte[4096];
            while (true)
            {
                var newline = _pending.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray()).Trim('\xff', ' ', '\r');
                    _pending.RemoveRange(0, newline + 1);
                    if (line.Length > 0)
                    {
                        return line;
                    }
                    continue;
                }
                var n = await _stream.ReadAsync(buffer, cancel);
                if (n == 0)
                {
                    throw new IOException("the guest agent closed the connection");
                }
                _pending.AddRange(buffer.AsSpan(0, n));
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
