# Fault 4: the automount refused boothold-finalize (EHOSTDOWN), which mounted /boot itself;
# finalized once, at shutdown.
expect_note units paired
expect_note hold_load_state masked
expect_note finalize_after boot.automount
expect_note expired_boot_fstype autofs
expect_note waited_finalize active
expect_finalized_once_at_shutdown
expect_own_mount
expect_result succeeded mounted-by-boothold-finalize automount-refused
