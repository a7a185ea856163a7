# Paired at the first boot; /boot held past the idle timeout; finalized once, at shutdown,
# before the hold let go and before /boot was unmounted.
expect_held_and_finalized_at_shutdown
# bootholdctl status before staging, staged and held, past the idle timeout, after the reboot.
expect_status before_staging idle
expect_status staged ready
expect_status waited ready
expect_status after_reboot idle 2
