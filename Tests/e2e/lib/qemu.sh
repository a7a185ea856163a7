# The QEMU runner. Source it, then:
#
#   e2e_accel                      prints "kvm" or "tcg" (E2E_ACCEL overrides)
#   e2e_boot OUT TIMEOUT ARG…      boots one guest; ARG… are the machine's own qemu arguments
#                                  (disks, -kernel/-initrd/-append or pflash firmware)
#
# e2e_boot adds the common machine (q35, E2E_SMP vCPUs (1), 1 GiB, no display, -no-reboot), writes the
# serial console to OUT/serial.log and the qemu command and its stderr to OUT/qemu.log, and
# wraps qemu in an outer `timeout` (a process stuck on an expiring autofs survives SIGKILL, and
# so can a guest). It returns
#   0  the guest powered itself off cleanly ("reboot: Power down" on the console; qemu is
#      stopped if it has not exited 15 s after that)
#   2  infrastructure failure: timed out (hung guest, killed), qemu failed, or no clean power-off
# and sets E2E_BOOT_SECONDS to the wall time of the qemu process.
# Put `console=ttyS0 panic=-1 no_timer_check` on the guest's command line: panic=-1 makes a
# panic end qemu too; no_timer_check because under TCG on a busy host the kernel's IO-APIC
# timer check can fail and panic ("IO-APIC + timer doesn't work!"), seen here at load 13.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# One vCPU by default: under TCG two guests with two vCPUs each on two host cores spin on each
# other's preempted vCPUs; with one each, a scenario beside another ran in 93-104 s instead of
# 127-135 s (boot to multi-user 27 s instead of 40-43 s). E2E_SMP overrides it.
e2e_smp() { echo "${E2E_SMP:-1}"; }

# KVM only where it really works: on these machines /dev/kvm can be a PVM device (module
# kvm_pvm, no vmx/svm flag) that aborts or hangs a stock kernel. Otherwise software emulation.
e2e_accel() {
    if [ -n "${E2E_ACCEL:-}" ]; then echo "$E2E_ACCEL"; return; fi
    if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && [ ! -e /sys/module/kvm_pvm ]; then
        echo kvm
    else
        echo tcg
    fi
}

e2e_boot() {
    local out=$1 limit=$2; shift 2
    local accel cpu rc started
    accel=$(e2e_accel)
    case $accel in
        kvm) accel=kvm cpu=host ;;
        *) accel=tcg,thread=multi cpu=max ;;
    esac
    mkdir -p "$out"
    : > "$out/serial.log"
    local cmd=(qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -machine q35 -smp "$(e2e_smp)" -m 1024
               -nodefaults -display none -no-reboot -serial "file:$out/serial.log" "$@")
    printf '%q ' "${cmd[@]}" > "$out/qemu.log"; echo >> "$out/qemu.log"
    started=$SECONDS
    rc=0
    timeout --kill-after=10 "$limit" "${cmd[@]}" >> "$out/qemu.log" 2>&1 &
    local pid=$! powered_off_at="" stopped=no
    # A guest whose kernel printed "reboot: Power down" is done even when qemu does not exit
    # (seen once in 20 UEFI boots under TCG on a loaded host): after 15 s, stop qemu.
    while kill -0 "$pid" 2>/dev/null; do
        if [ -z "$powered_off_at" ] && grep -q 'reboot: Power down' "$out/serial.log"; then
            powered_off_at=$SECONDS
        fi
        if [ -n "$powered_off_at" ] && [ $((SECONDS - powered_off_at)) -ge 15 ] && [ "$stopped" = no ]; then
            echo "e2e: qemu still running 15 s after the guest powered off: stopping it" >> "$out/qemu.log"
            kill -TERM "$pid" 2>/dev/null   # timeout passes it on to qemu
            stopped=yes
        fi
        sleep 1
    done
    wait "$pid" || rc=$?
    [ "$stopped" = yes ] && rc=0
    E2E_BOOT_SECONDS=$((SECONDS - started))
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        echo "guest hung: killed after ${limit} s" > "$out/infra"
        return "$E2E_EXIT_INFRA"
    fi
    if [ "$rc" != 0 ]; then
        echo "qemu exited with $rc (see qemu.log)" > "$out/infra"
        return "$E2E_EXIT_INFRA"
    fi
    if ! grep -q 'reboot: Power down' "$out/serial.log"; then
        echo "the guest stopped without a clean power-off" > "$out/infra"
        return "$E2E_EXIT_INFRA"
    fi
    return 0
}
