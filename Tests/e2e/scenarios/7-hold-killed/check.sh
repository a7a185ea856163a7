# Either finalization reached /boot in the first boot, or the second boot reports its outcome
# (the report unit failed and says why).
expect_note units paired
expect_note staged_hold active
n=$(finalized_lines)
report=$(note_value report_state 2)
fact "finalized.txt: $(tr '\n' '|' < "$OUT/finalized.txt"); report unit at boot 2: ${report:-<none>}; failed units: $(note_value failed_units 2)"
if [ "${n:-0}" -ge 1 ]; then
    fact "finalization reached /boot"
elif [ "$report" = failed ]; then
    fact "finalization did not reach /boot and boot 2 reported it: $(e2e_journal "$OUT/journal" -b 2 -o cat _SYSTEMD_UNIT=e2e-driver.service | sed -n 's/^E2E-REPORT //p' | head -n 3 | paste -sd' ' -)"
else
    fail "finalization did not reach /boot and boot 2 did not report it (report unit: ${report:-<none>})"
fi
