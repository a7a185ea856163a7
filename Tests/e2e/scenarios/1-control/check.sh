# The bug, as seen on systemd 252: the plain unit is stopped when the automount expires, so
# finalization runs early, while the system is still running (or never reaches /boot), and
# no finalization happens at shutdown.
expect_note units plain
stopping=$(unit_time 1 "$E2E_MSG_STOPPING" e2e-finalize.service)
poweroff=$(note_value poweroff_at)
if [ -z "$stopping" ]; then
    fail "bug not seen: e2e-finalize.service was never stopped"
elif awk -v s="$stopping" -v p="$poweroff" 'BEGIN { exit !(s < p) }'; then
    fact "finalize stopped early at $stopping s, power-off requested at $poweroff s"
else
    fail "bug not seen: e2e-finalize.service was stopped at $stopping s, after the power-off request at $poweroff s"
fi
grep -q 'state=stopping' "$OUT/finalized.txt" \
    && fail "bug not seen: finalized at shutdown: $(cat "$OUT/finalized.txt")"
fact "finalized.txt: $(tr '\n' '|' < "$OUT/finalized.txt")"
