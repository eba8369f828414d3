namespace QiTech.Os.Base;

/// <summary>
/// The system's <c>init</c>, as NixOS's stage-2-init.sh: the kernel runs it (<c>init=</c> in
/// the generation's boot entry) once the initramfs has mounted the root read-only. Its
/// interpreter is the base's static busybox, so it runs before /usr exists. It makes the
/// root writable, bind-mounts the base's deployment read-only on /usr, points /etc/static at
/// this system's etc and sets its /etc links (removing those of the system booted before
/// that this one lacks), fills in the base's default files and folders the machine does not
/// have in /etc and /var (an entry on the machine always wins), links /run/booted-system and /run/current-system, and
/// execs systemd. The system's own path is the script's: a store path cannot name itself.
/// </summary>
public static class StageTwoInit
{
    public const string FileName = "init";

    /// <summary>The physical place of deployments on the machine (see <see cref="BaseDeployment"/>).</summary>
    public const string DeployDir = "/qitech/deploy";

    public const string BusyboxInBase = BaseBuilder.RootDir + "/usr/bin/busybox";

    public static string Render(string basePath, string baseHashPart)
    {
        var busybox = basePath + "/" + BusyboxInBase;
        return $$"""
            #!{{busybox}} sh
            # QiTech Control OS stage 2: prepares /usr and /etc of this generation, then starts systemd.
            bb={{busybox}}
            deploy={{DeployDir}}/{{baseHashPart}}
            system="${0%/init}"
            say() { echo "qitech-os stage 2: $*"; }
            fail() {
              say "$*"
              say "cannot boot this generation; a shell follows (choose another generation in the boot menu)"
              exec "$bb" sh
            }
            say "booting $system"
            "$bb" mount -o remount,rw / || fail "cannot mount / read-write"
            [ -d "$deploy/usr" ] || fail "the base is not deployed: $deploy/usr is missing"
            "$bb" mount --bind "$deploy/usr" /usr || fail "cannot bind-mount $deploy/usr on /usr"
            "$bb" mount -o remount,bind,ro /usr || fail "cannot make /usr read-only"

            # /etc: first remove our links (-> /etc/static/<name>) that this system lacks, while
            # /etc/static still names the system booted before, then flip it, then link.
            "$bb" mkdir -p /etc
            old="$("$bb" readlink /etc/static)"
            if [ -n "$old" ] && [ "$old" != "$system/etc" ] && [ -d "$old" ]; then
              (cd "$old" && "$bb" find . ! -type d) | while IFS= read -r e; do
                e="${e#./}"
                { [ -e "$system/etc/$e" ] || [ -L "$system/etc/$e" ]; } && continue
                [ "$("$bb" readlink "/etc/$e")" = "/etc/static/$e" ] && "$bb" rm -f "/etc/$e"
              done
            fi
            # Another system than last boot: systemd's update units (sysusers, ldconfig, hwdb) run again.
            [ "$old" = "$system/etc" ] || "$bb" rm -f /etc/.updated /var/.updated
            "$bb" ln -sfn "$system/etc" /etc/.static.new && "$bb" mv -Tf /etc/.static.new /etc/static || fail "cannot link /etc/static"
            (cd "$system/etc" && "$bb" find . ! -type d) | while IFS= read -r e; do
              e="${e#./}"
              { [ -e "/etc/$e" ] || [ -L "/etc/$e" ]; } && continue
              case "$e" in */*) "$bb" mkdir -p "/etc/${e%/*}" ;; esac
              "$bb" ln -s "/etc/static/$e" "/etc/$e"
            done
            # The base's defaults for what the machine lacks (a missing folder is copied whole);
            # whatever the machine has, its own file or one of our links, wins.
            fill() {
              "$bb" mkdir -p "$2"
              (cd "$1" && "$bb" find . -mindepth 1) | while IFS= read -r e; do
                e="${e#./}"
                { [ -e "$2/$e" ] || [ -L "$2/$e" ]; } && continue
                "$bb" cp -a "$1/$e" "$2/$e" || say "cannot copy the base's $2/$e"
              done
            }
            fill "$deploy/etc" /etc
            fill "$deploy/var" /var

            # The boot loader has taken a one-shot choice by now: it is not the next boot's too.
            "$bb" rm -f /qitech/var/next-boot
            "$bb" mkdir -p /run
            "$bb" ln -sfn "$system" /run/booted-system
            "$bb" ln -sfn "$system" /run/current-system
            exec /usr/lib/systemd/systemd "$@"

            """;
    }
}
