expect_note units paired
expect_note staged_boot_fstype vfat
expect_note staged_hold active
expect_note released_hold inactive
expect_note released_boot_fstype autofs
expect_nothing_finalized
unit_log 1 e2e-finalize.service | grep -qi 'nothing staged' \
    || fail "the journal does not say that nothing was staged"
