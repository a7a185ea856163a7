expect_vendor_units
expect_lost
grep -q 'state=stopping' "$OUT/esp.txt" \
    && fail "loss not seen: the ESP written at shutdown: $(tr '\n' '|' < "$OUT/esp.txt")"
fact "esp.txt: [$(tr '\n' '|' < "$OUT/esp.txt")]"
fact "before anything was staged: finalize $(note_value unstaged_finalize), boot-efi.mount $(note_value unstaged_esp_mount)"
