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

# wait_fstype MOUNTPOINT TYPE SECONDS: wait until TYPE is on top at MOUNTPOINT (by the clock:
# under emulation a round of the loop can take a good part of a second).
wait_fstype() {
    local end=$(( $(uptime_cs) + $3 * 100 ))
    while [ "$(fstype_at "$1")" != "$2" ]; do
        [ "$(uptime_cs)" -ge "$end" ] && return 1
        sleep 0.1
    done
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }
# Uptime in hundredths of a second, without a child process.
uptime_cs() { local up _; read -r up _ < /proc/uptime; up=${up/./}; echo $((10#$up)); }
