#!/bin/bash
# Two lives of userspace in one kernel boot: staged, then `systemctl soft-reboot`; staged again
# after it, then a power-off. The driver counts each life ($1: 1 before, 2 after).
. /usr/local/libexec/e2e/scenario-common.sh
if [ "${1:-1}" = 1 ]; then
    note_generated ""
    note soft_reboots "$(systemctl show -P SoftRebootsCount)"
    stage
    note_states staged_
    sleep 4   # more than 3x the idle timeout: without a hold, /boot would have expired by now
    note_states waited_
    # The driver runs this instead of powering off; /run survives the soft-reboot, so the
    # script removes itself, and the second life powers off as usual.
    mkdir -p /run/e2e
    cat > /run/e2e/at-poweroff <<'SCRIPT'
trap '' TERM
rm -f /run/e2e/at-poweroff
read -r t _ < /proc/uptime
echo "E2E-NOTE soft_reboot_at=$t"
systemctl --no-block soft-reboot
SCRIPT
    exit 0
fi
# After the soft-reboot: what the generator made of the machine this time, whether anything
# was left staged in the surviving /run, and what bootholdctl says; then the same staging.
note after_soft_reboots "$(systemctl show -P SoftRebootsCount)"
note_generated after_
note after_staged_left "$([ -e "$STAGED" ] && echo yes || echo no)"
note after_boot_fstype "$(fstype_at /boot)"
note after_boot_automount "$(systemctl is-active boot.automount)"
ctl_status after_soft_reboot
stage
note_states staged2_
sleep 4
note_states waited2_
note poweroff_at "$(uptime_s)"
