# Fault 5: the deployment staged a moment before the power-off is finalized at shutdown: the
# finalize unit was active before the staged file appeared (NAME-start.timer), so the shutdown
# has no start job of it to cancel, and a /boot whose automount request systemd never answers
# is mounted beside it by boothold-finalize.
expect_note units paired
expect_note path_unit active
expect_note finalize_unit active
expect_note boot_boot_fstype autofs
staged=$(note_value staged_at) requested=$(note_value poweroff_requested_at)
[ -n "$staged" ] || fail "the staged file was not written before the power-off"
fact "staged at ${staged:-?} s, power-off requested at ${requested:-?} s"
expect_finalized_once_at_shutdown
expect_result succeeded "held|automount|mounted-by-boothold-finalize"
# Which way the race went: the hold's and boothold-finalize's lines after the staged file.
fact "hold: $(program_log 1 boothold-hold | awk -v t="${staged:-0}" '$1 + 0 > t + 0' | head -n 3 | paste -sd'|' -)"
fact "finalize: $(program_log 1 boothold-finalize | awk -v t="${staged:-0}" '$1 + 0 > t + 0' | head -n 3 | paste -sd'|' -)"
