#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
note finalize_dropins "$(systemctl show -P DropInPaths "$PROFILE.service")"
note finalize_requires_mounts_for "$(systemctl show -P RequiresMountsFor "$PROFILE.service")"
note hold_exec_start "$(systemctl show -P ExecStart "$PROFILE-hold.service" 2>/dev/null | grep -o -- '--from-start' || echo none)"
# The drop-in's RequiresMountsFor=/boot/efi makes systemd mount the ESP directly when the unit
# starts, before the hold (ordered after boot-efi.mount) has opened it: under emulation the hold
# was ready 6.5 s after that mount, and with TimeoutIdleSec=1 the expiry's stop job could cancel
# the unit's start ("Job for e2e-finalize.service canceled"), with boothold's units as with
# ostree's (README "Drop-ins"). So /boot/efi is kept busy while the units start, for both, as
# stage() does for the stand-ins' /boot; and let go before anything is staged.
(cd /boot/efi && exec sleep 120) &
# shellcheck disable=SC2034 # stop_keeper (scenario-common.sh) ends it
keeper=$!
wait_fstype /boot/efi vfat 30
systemctl start "$PROFILE.service"
note start_result "$(systemctl is-active "$PROFILE.service")"
# boothold's hold has /boot/efi open from its start (--from-start: the drop-in's requirement
# stops the unit whenever the ESP expires, staged or not); the stand-ins' hold only /boot.
if ! vendor_units; then
    note hold_has_esp_open_unstaged "$(readlink /proc/"$(hold_pid)"/fd/* 2>/dev/null | grep -cx /boot/efi)"
fi
stop_keeper
# Nothing staged yet (ostree 2025.2 starts the unit, then checks the deployment out): more
# than 3x the idle timeout, during which the ESP must stay mounted and the unit active.
sleep 4
note_states unstaged_ /boot/efi boot-efi.mount esp
write_staged
note_states staged_ /boot/efi boot-efi.mount esp
sleep 4
note_states waited_ /boot/efi boot-efi.mount esp
note poweroff_at "$(uptime_s)"
