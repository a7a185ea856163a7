# The loss with bootc's own unit: no units generated, bootc's unit started by `bootc upgrade`
# before the staged file; it is not tied to /boot, so it stays active while /boot expires; its
# ExecStop= runs at shutdown and cannot write /boot. bootholdctl says at risk while staged.
CHECK_PROFILE=bootc-finalize-staged
expect_note units none
case $(note_value finalize_fragment) in
    /usr/lib/systemd/system/bootc-finalize-staged.service|/lib/systemd/system/bootc-finalize-staged.service) ;;
    *) fail "the finalize unit is not bootc's own: $(note_value finalize_fragment)" ;;
esac
expect_note boot_finalize inactive
expect_note upgrade_rc 0
expect_note staged_file yes
expect_started_before_staged bootc-finalize-staged
expect_note waited_finalize active
expect_note waited_boot_fstype autofs
expect_status before_staging idle
expect_status staged at-risk
expect_status waited at-risk
expect_bootc_lost
