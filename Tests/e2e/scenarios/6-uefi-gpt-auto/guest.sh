#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
note loader_device_partuuid "$(tr -d "\0" < /sys/firmware/efi/efivars/LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f 2>/dev/null | tr -cd "0-9A-Fa-f-")"
note boot_automount_timeout "$(systemctl show -P TimeoutIdleUSec boot.automount)"
stage
note_states staged_
sleep 4   # more than 3x the idle timeout: without a hold, /boot would have expired by now
note_states waited_
