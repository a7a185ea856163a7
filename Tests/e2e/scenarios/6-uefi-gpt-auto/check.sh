# As 2-predicted, on the gpt-auto machine; systemd-boot named the ESP.
esp=$(tr 'a-z' 'A-Z' < "$OUT/esp-partuuid")
expect_note loader_device_partuuid "$esp"
expect_note units paired
expect_note waited_boot_fstype vfat
expect_note waited_boot_mount active
expect_note waited_finalize active
expect_note waited_hold active
expect_finalized_once_at_shutdown
expect_shutdown_order
