# Fault 1: the killed hold came back (a new main process, started by systemd after the kill),
# /boot stayed or became mounted again, and finalization ran once, at shutdown, through the
# hold's pin; the kill was logged as a degraded state.
expect_note units paired
expect_note staged_hold active
expect_hold_back_after killed_at
expect_note waited_hold active
expect_note waited_boot_fstype vfat
expect_finalized_once_at_shutdown
expect_shutdown_order
expect_degraded_warning killed_at
expect_result succeeded held
# bootholdctl status: idle, ready, ready again once systemd restarted the killed hold (within
# milliseconds: the degraded moment between is too short to catch), idle after the reboot.
expect_status before_staging idle
expect_status staged ready
expect_status hold_back ready
expect_status after_reboot idle 2
