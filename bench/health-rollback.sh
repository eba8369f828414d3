#!/usr/bin/env bash
# Times a health-gated rollback: a switch to a version that does not start correctly, until
# the version before serves /health again, live (no reboot). Two failures: one that exits a
# moment after it started (the check fails at once) and one whose /health answers 500 until
# the check's deadline. The real qitech-osd in embedded mode on a folder root, the service a
# python3 HTTP server. Prints medians (ms); the anchor is greenboot, whose rollback is a reboot
# (about a minute on these machines, not measured here). Needs python3 and curl.
source "$(dirname "$0")/lib.sh"
runs="${RUNS:-5}"
deadline="${DEADLINE:-3}"
work="$out/health"
dotnet build "$repo/QiTech.Os.slnx" -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
cli=(dotnet "$repo/artifacts/bin/qitech-os/release/qitech-os.dll")
daemon_dll="$repo/artifacts/bin/qitech-osd/release/qitech-osd.dll"
[ -f "$work/daemon.pid" ] && kill "$(cat "$work/daemon.pid")" 2>/dev/null && sleep 1
rm -rf "$work"
mkdir -p "$work"
root="$work/root"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

cat >"$work/server.py" <<'PY'
import http.server, os, sys, threading
port, status, label, exit_after = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (label + "\n").encode()
        self.send_response(status if self.path == "/health" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
if exit_after > 0:
    threading.Timer(exit_after, lambda: os._exit(3)).start()
server.serve_forever()
PY

# make_system LABEL STATUS EXIT_AFTER [CHECK_LINES]: app.service serving /health with STATUS, checked by the daemon.
make_system() {
  local dir="$work/src-$1"
  mkdir -p "$dir/etc/systemd/system" "$dir/sw/bin"
  printf '[Service]\nExecStart=/usr/bin/python3 %s %s %s %s %s\n[X-QiTech-HealthCheck]\nHttp=http://127.0.0.1:%s/health\nDeadlineSec=%s\n%b[Install]\nWantedBy=multi-user.target\n' \
    "$work/server.py" "$port" "$2" "$1" "$3" "$port" "$deadline" "${4:-}" >"$dir/etc/systemd/system/app.service"
  printf 'QITECH_OS=true\nQITECH_OS_GIT_ABBREVIATION=%s\n' "$1" >"$dir/qitech-os-release"
  printf 'quiet\n' >"$dir/kernel-params"
  "${cli[@]}" --root "$root" store add "$dir" | tail -1
}
good="$(make_system v1 200 0)"
# Up 2 s without a restart is part of its check: answering once before exiting is not healthy.
exits="$(make_system v2-exits 200 0.5 'ActiveSec=2\n')"
answers500="$(make_system v2-500 500 0)"
"${cli[@]}" --root "$root" switch --system "$good" >/dev/null

dotnet "$daemon_dll" --root "$root" --embedded >"$work/daemon.log" 2>&1 &
echo $! >"$work/daemon.pid"
trap 'kill "$(cat "$work/daemon.pid")" 2>/dev/null || true' EXIT
idle() { curl -s --unix-socket "$root/run/qitech-os/daemon.sock" http://qitech-osd/v1/jobs | grep -q '"state":"running"' && return 1 || return 0; }
for _ in $(seq 600); do [ -S "$root/run/qitech-os/daemon.sock" ] && idle && break; sleep 0.1; done
body() { curl -s --max-time 1 "http://127.0.0.1:$port/${1:-}" 2>/dev/null || true; }
[ "$(body health)" = "v1" ] || { echo "v1 does not serve /health" >&2; exit 1; }

# One run: milliseconds from the failing version serving its first request to v1 answering
# /health again. The switch runs in the background; this loop watches the port.
measure() {
  local label="$1" system="$2" started="" now
  "${cli[@]}" --root "$root" switch --system "$system" >/dev/null 2>&1 &
  local switch=$!
  for _ in $(seq 6000); do
    now=$(date +%s%N)
    if [ -z "$started" ]; then
      [ "$(body)" = "$label" ] && started=$now
    elif [ "$(body health)" = "v1" ]; then
      wait "$switch" || true
      echo $(( (now - started) / 1000000 ))
      return
    fi
    sleep 0.02
  done
  echo "no rollback to v1 seen" >&2; exit 1
}

declare -a t_exits t_500
for _ in $(seq "$runs"); do
  t_exits+=("$(measure v2-exits "$exits")")
  t_500+=("$(measure v2-500 "$answers500")")
done
[ "$(readlink "$root/run/current-system")" = "$good" ] || { echo "v1 is not current after the runs" >&2; exit 1; }

echo "failing start to the old version serving /health again (live, no reboot), $runs runs, medians in ms; check deadline ${deadline} s"
row "failure" "ours" "deadline" "ours-dl"
m=$(median "${t_exits[@]}"); row "exits 0.5 s after starting (fails at its exit)" "$m" "-" "-"
m=$(median "${t_500[@]}"); row "/health answers 500 (fails at the deadline)" "$m" "$((deadline * 1000))" "$((m - deadline * 1000))"
echo "anchor: greenboot rolls back by rebooting (about a minute here)"
