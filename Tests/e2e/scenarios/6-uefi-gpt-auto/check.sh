# As 2-predicted, on the gpt-auto machine; systemd-boot named the ESP.
esp=$(tr 'a-z' 'A-Z' < "$OUT/esp-partuuid")
expect_note loader_device_partuuid "$esp"
expect_held_and_finalized_at_shutdown
