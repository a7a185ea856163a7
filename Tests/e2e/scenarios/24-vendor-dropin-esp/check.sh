expect_vendor_units
expect_lost
grep -q 'state=stopping' "$OUT/esp.txt" \
    && fail "loss not seen: the ESP written at shutdown: $(tr '\n' '|' < "$OUT/esp.txt")"
fact "esp.txt: [$(tr '\n' '|' < "$OUT/esp.txt")]"
