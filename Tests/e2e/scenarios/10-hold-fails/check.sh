# Fault 3: the first start failed, systemd started the hold again, /boot was held, finalized
# once at shutdown; the failed start was logged as a degraded state.
expect_note units paired
expect_note failed_once yes
expect_note waited_hold active
expect_note waited_boot_fstype vfat
failed=$(unit_time 1 "$E2E_MSG_FAILED" e2e-finalize-hold.service)
started=$(unit_time_after 1 "$E2E_MSG_STARTED" e2e-finalize-hold.service "${failed:-0}")
if [ -z "$failed" ] || [ -z "$started" ]; then
    fail "journal: expected the hold to fail and then start (failed at ${failed:-never}, started after it at ${started:-never})"
else
    fact "hold failed at $failed s, started again at $started s"
fi
expect_finalized_once_at_shutdown
expect_shutdown_order
expect_degraded_warning started_at
expect_result succeeded held
