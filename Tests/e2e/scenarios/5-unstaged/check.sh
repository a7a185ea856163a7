# Staged, unstaged: the hold released /boot (it expired) and kept running; staged again: the
# same hold pinned /boot again past the idle timeout; unstaged again: nothing finalized at
# shutdown, and the journal says nothing was staged.
expect_note units paired
expect_note staged_boot_fstype vfat
expect_note staged_hold active
expect_note released_boot_fstype autofs
expect_note released_hold active
expect_note released_hold_pid "$(note_value staged_hold_pid)"
expect_note restaged_boot_fstype vfat
expect_note restaged_hold active
expect_note restaged_hold_pid "$(note_value staged_hold_pid)"
expect_note unstaged_boot_fstype autofs
fact "pinned again $(note_value pinned_after) s after the re-stage"
expect_nothing_finalized
unit_log 1 e2e-finalize.service | grep -qi 'nothing staged' \
    || fail "the journal does not say that nothing was staged"
