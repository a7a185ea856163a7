# Both finalizations at a stop of userspace: the soft-reboot's and the power-off's.
expect_note units paired
expect_note soft_reboots 0
expect_note waited_boot_fstype vfat
expect_note waited_hold active
n=$(finalized_lines)
if [ "$n" != 2 ] || [ "$(grep -c 'state=stopping' "$OUT/finalized.txt")" != 2 ]; then
    fail "/boot/finalized.txt: expected 2 lines written while stopping, got: [$(tr '\n' '|' < "$OUT/finalized.txt")]"
else
    fact "finalized.txt: [$(tr '\n' '|' < "$OUT/finalized.txt")]"
fi
# The soft-reboot's stop, in the right order. systemd stops journald in a soft-reboot, so these
# entries came through the kernel's log, without MESSAGE_ID= or UNIT=: matched by their text,
# from the soft-reboot request to "Soft-rebooting.".
soft=$(note_value soft_reboot_at)
if [ -z "$soft" ]; then
    fail "the soft-reboot was never requested"
else
    soft_log=$(e2e_journal "$OUT/journal" -b 1 -o short-monotonic --output-fields=MESSAGE \
        | awk -F'[][]' -v t="$soft" '$2 + 0 > t' | sed -n '1,/Soft-rebooting\./p')
    at() { printf '%s\n' "$soft_log" | grep -F -m1 -- "$1" | awk -F'[][]' '{ gsub(/ /, "", $2); print $2 }'; }
    fin=$(at "Stopped e2e-finalize.service") hold=$(at "Stopping e2e-finalize-hold.service")
    hold_stopped=$(at "Stopped e2e-finalize-hold.service") umount=$(at "Unmounting boot.mount")
    if [ -z "$fin" ] || [ -z "$hold" ] || [ -z "$hold_stopped" ] || [ -z "$umount" ]; then
        fail "soft-reboot order: missing entries (finalize stopped=${fin:-?}, hold stopping=${hold:-?}, hold stopped=${hold_stopped:-?}, boot.mount unmounting=${umount:-?})"
    elif awk -v a="$fin" -v b="$hold" -v c="$hold_stopped" -v d="$umount" 'BEGIN { exit !(a <= b && b <= c && c <= d) }'; then
        fact "soft-reboot order: finalize stopped $fin < hold stopping $hold < stopped $hold_stopped < boot.mount unmounting $umount"
    else
        fail "soft-reboot order wrong: finalize stopped $fin, hold stopping $hold, hold stopped $hold_stopped, boot.mount unmounting $umount"
    fi
fi
# The new userspace.
expect_note after_soft_reboots 1
expect_note after_units paired
expect_note after_staged_left no
expect_status after_soft_reboot idle
expect_note waited2_boot_fstype vfat
expect_note waited2_finalize active
expect_note waited2_hold active
# The power-off's stop, after the second staging (journald runs again: by MESSAGE_ID= and UNIT=).
expect_shutdown_order 1
fact "after the soft-reboot: /boot $(note_value after_boot_fstype), boot.automount $(note_value after_boot_automount)"
