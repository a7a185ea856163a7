# bootc's composefs backend under boothold: the shipped profile applies (composefs= on the kernel
# command line, no /run/ostree-booted) and its paired units replace bootc's own; the profile's
# Trigger=path has its start timer start them once basic.target is reached (before anything is
# staged), so bootc's synchronous start finds them active and the staged file comes after it;
# /boot held past the idle timeout; finalized once, at shutdown,
# in the right stop order; the result record says succeeded and has no STAGED_AFTER (bootc
# keeps its staged file: --staged-kept).
CHECK_PROFILE=bootc-finalize-staged
expect_note units paired
expect_note finalize_fragment /run/systemd/generator/bootc-finalize-staged.service
expect_note composefs_karg 1
expect_note ostree_booted no
expect_note boot_finalize active
expect_note boot_hold active
expect_note boot_boot_fstype autofs
expect_note upgrade_rc 0
expect_note staged_file yes
expect_started_before_staged bootc-finalize-staged
expect_note staged_boot_fstype vfat
expect_note waited_boot_fstype vfat
expect_note waited_finalize active
expect_note waited_hold active
expect_finalized_once_at_shutdown
grep -q 'by=bootc' "$OUT/finalized.txt" || fail "finalized.txt was not written by the stand-in bootc: $(cat "$OUT/finalized.txt")"
expect_shutdown_order
expect_result succeeded held
[ -z "$(record_field result STAGED_AFTER)" ] \
    || fail "result record has STAGED_AFTER=$(record_field result STAGED_AFTER) (the profile's StagedRemoved=no)"
expect_status before_staging idle
expect_status staged ready
expect_status waited ready
expect_status after_reboot idle 2
