expect_vendor_units
expect_lost
# bootholdctl status with boothold=0: no units generated while /boot is an automount, so a
# staged deployment is at risk (exit 1); after the reboot nothing is staged and, boothold having
# recorded nothing, it can only say idle.
expect_status before_staging idle
expect_status staged at-risk
expect_status expired at-risk
# bootholdctl never triggers the automount. (Not "/boot is autofs after it": here the stand-in's
# ExecStop= is stuck on the expiring /boot, so the expiry does not complete.)
expect_no_automount_request_by bootholdctl
expect_status after_reboot idle 2
