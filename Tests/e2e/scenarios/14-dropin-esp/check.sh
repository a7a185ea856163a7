# Paired for the drop-in's /boot/efi alone, the hold with --from-start; the ESP held past the
# idle timeout before anything is staged and after; the finalize
# command and the drop-in's ESP writer each ran once, at shutdown, before the hold let go and
# before boot-efi.mount was unmounted.
expect_note units paired
case $(note_value finalize_requires_mounts_for) in
    */boot/efi*) ;;
    *) fail "the drop-in did not attach: RequiresMountsFor=$(note_value finalize_requires_mounts_for)" ;;
esac
expect_note hold_exec_start --from-start
expect_note hold_has_esp_open_unstaged 1
expect_note unstaged_esp_fstype vfat
expect_note unstaged_esp_mount active
expect_note unstaged_finalize active
expect_note waited_esp_fstype vfat
expect_note waited_esp_mount active
expect_note waited_finalize active
expect_note waited_hold active
expect_finalized_once_at_shutdown
n=$(grep -c '^esp ' "$OUT/esp.txt" 2>/dev/null || true)
if [ "$n" != 1 ] || ! grep -q 'state=stopping' "$OUT/esp.txt"; then
    fail "/boot/efi/esp.txt: expected 1 line written at shutdown, got: [$(tr '\n' '|' < "$OUT/esp.txt")]"
else
    fact "esp.txt: $(cat "$OUT/esp.txt")"
fi
CHECK_MOUNT=boot-efi.mount expect_shutdown_order
