#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
note finalize_dropins "$(systemctl show -P DropInPaths "$PROFILE.service")"
note finalize_requires_mounts_for "$(systemctl show -P RequiresMountsFor "$PROFILE.service")"
# The drop-in's RequiresMountsFor=/boot/efi makes systemd mount the ESP directly when the unit
# starts, and nothing opens it until the hold has started and something is staged: with
# TimeoutIdleSec=1 under emulation it expired in between (the hold was ready 6.5 s after the
# mount), and the expiry's stop job cancelled the unit's start ("Job for e2e-finalize.service
# canceled"), with boothold's units as with ostree's (README "Drop-ins"). So /boot/efi is kept
# busy while the units start, for both, as stage() does for the stand-ins' /boot.
(cd /boot/efi && exec sleep 120) &
# shellcheck disable=SC2034 # stop_keeper (scenario-common.sh) ends it
keeper=$!
wait_fstype /boot/efi vfat 30
systemctl start "$PROFILE.service"
note start_result "$(systemctl is-active "$PROFILE.service")"
write_staged
# boothold's hold pins /boot/efi once the staged file is there: wait for its open directory
# before the keeper leaves (the stand-ins' hold keeps only /boot busy, as ostree's does).
if ! vendor_units; then
    end=$(( $(uptime_cs) + 1500 ))
    until [ "$(uptime_cs)" -ge "$end" ] || [ "$(readlink /proc/"$(hold_pid)"/fd/* 2>/dev/null | grep -cx /boot/efi)" -gt 0 ]; do
        sleep 0.1
    done
    note hold_has_esp_open "$(readlink /proc/"$(hold_pid)"/fd/* 2>/dev/null | grep -cx /boot/efi)"
fi
stop_keeper
note_states staged_ /boot/efi boot-efi.mount esp
sleep 4   # more than 3x the idle timeout: without a hold, /boot/efi would have expired by now
note_states waited_ /boot/efi boot-efi.mount esp
note poweroff_at "$(uptime_s)"
