# Paired at the first boot; /boot held past the idle timeout; finalized once, at shutdown,
# before the hold let go and before /boot was unmounted.
expect_held_and_finalized_at_shutdown
