#!/bin/bash
# bootc's composefs backend (also run by its control, 23-vendor-bootc): `bootc upgrade` stages,
# /boot is left alone well past its idle timeout, then the power-off.
. /usr/local/libexec/e2e/scenario-common.sh
# The profile the functions of scenario-common.sh act on: the shipped bootc one.
PROFILE=bootc-finalize-staged
# shellcheck disable=SC2034 # read by scenario-common.sh's functions
HOLD=$PROFILE-hold.service
STAGED=/run/composefs/staged-deployment
later_boot "$@" && exit 0
note_generated ""
note composefs_karg "$(tr ' ' '\n' < /proc/cmdline | grep -c '^composefs=')"
note ostree_booted "$([ -e /run/ostree-booted ] && echo yes || echo no)"
note_states boot_
ctl_status before_staging
rc=0
bootc upgrade || rc=$?
note upgrade_rc "$rc"
note staged_at "$(uptime_s)"
note staged_file "$([ -e "$STAGED" ] && echo yes || echo no)"
sleep 3   # past the idle timeout (1 s): only a hold keeps /boot mounted now
note_states staged_
ctl_status staged
sleep 3
note_states waited_
ctl_status waited
note poweroff_at "$(uptime_s)"
