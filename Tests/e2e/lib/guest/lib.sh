# Helpers for scenario scripts inside the guest: `. /usr/local/libexec/e2e/lib.sh`.
# Nothing here touches /boot: its state is read from /proc/self/mountinfo, because stat/ls
# on an expiring automount block exactly like the write under test.

# note KEY VALUE: one fact for the host, on the console and in the journal.
note() { echo "E2E-NOTE $1=$2"; }

# The file system type currently at MOUNTPOINT ("autofs" while only the trigger is there,
# "vfat" once mounted on top of it, "none" when nothing is mounted there).
fstype_at() {
    awk -v mp="$1" '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($5 == mp) t = $(i + 1) } END { print t ? t : "none" }' /proc/self/mountinfo
}

# wait_fstype MOUNTPOINT TYPE SECONDS: wait until TYPE is on top at MOUNTPOINT.
wait_fstype() {
    local i=0
    while [ "$(fstype_at "$1")" != "$2" ]; do
        [ "$i" -ge $(( $3 * 10 )) ] && return 1
        sleep 0.1; i=$((i + 1))
    done
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }
