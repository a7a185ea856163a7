# Fault 2, masked: no hold ever ran, /boot expired, and boothold-finalize reached /boot by
# mounting it itself; finalized once, at shutdown.
expect_note units paired
expect_note hold_load_state masked
expect_note expired_boot_fstype autofs
expect_note waited_finalize active
expect_note waited_hold inactive
expect_finalized_once_at_shutdown
expect_own_mount
expect_result succeeded mounted-by-boothold-finalize "automount-refused|not-mounted"
# bootholdctl status: idle; staged with the hold masked, and /boot expired: degraded (exit 1),
# without triggering the automount; after the reboot idle (the finalization succeeded).
expect_status before_staging idle
expect_status staged degraded
expect_status expired degraded
expect_note after_status_boot_fstype autofs
expect_no_automount_request_by bootholdctl
expect_status after_reboot idle 2
