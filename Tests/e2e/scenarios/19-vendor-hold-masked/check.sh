expect_vendor_units
expect_lost
# bootholdctl status with boothold=0: no units generated while /boot is an automount, so a
# staged deployment is at risk (exit 1); after the reboot nothing is staged and, boothold having
# recorded nothing, it can only say idle.
expect_status before_staging idle
expect_status staged at-risk
expect_status expired at-risk
expect_note after_status_boot_fstype autofs
expect_status after_reboot idle 2
