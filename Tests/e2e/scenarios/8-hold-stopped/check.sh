# Fault 2, stopped: the hold came back, /boot was held at shutdown, finalized once at shutdown;
# the stop (a clean exit) was logged at notice as a degraded state.
expect_note units paired
expect_note staged_hold active
expect_hold_back_after stopped_at
expect_note waited_hold active
expect_note waited_boot_fstype vfat
expect_finalized_once_at_shutdown
expect_shutdown_order
expect_degraded_log stopped_at notice
expect_result succeeded held
