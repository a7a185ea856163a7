#!/bin/bash
# Fault 5 (also run by its control, 22-vendor-poweroff-at-once): nothing staged at boot; after
# the driver's report line the staged file is written and the power-off requested at once.
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
note path_unit "$(systemctl is-active "$PROFILE.path")"
note_states boot_
stage_at_poweroff
