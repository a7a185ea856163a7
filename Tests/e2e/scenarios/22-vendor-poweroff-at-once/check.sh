expect_vendor_units
[ -n "$(note_value staged_at)" ] || fail "the staged file was not written before the power-off"
fact "staged at $(note_value staged_at) s, power-off requested at $(note_value poweroff_requested_at) s"
expect_lost
