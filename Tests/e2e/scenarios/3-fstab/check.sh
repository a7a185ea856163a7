# Paired at the first boot; /boot held past the idle timeout; finalized once, at shutdown,
# before the hold let go and before /boot was unmounted.
expect_note units paired
expect_note waited_boot_fstype vfat
expect_note waited_boot_mount active
expect_note waited_finalize active
expect_note waited_hold active
expect_finalized_once_at_shutdown
expect_shutdown_order
