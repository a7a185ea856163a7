# Shared steps of the scenarios, inside the guest: `. /usr/local/libexec/e2e/scenario-common.sh`.
. /usr/local/libexec/e2e/lib.sh
PROFILE=e2e-finalize
STAGED=/run/e2e/staged
GENERATED=/run/systemd/generator

# What the generator made of the profile at this boot: "paired", "plain" or "none", plus its
# decision comments (one line per path, with the reason) for the log.
note_generated() {
    local tag=$1 kind=none
    [ -e "$GENERATED/$PROFILE.service" ] && kind=plain
    [ -e "$GENERATED/$PROFILE-hold.service" ] && kind=paired
    note "${tag}units" "$kind"
    # The whole text, for the post-mortem (the journal keeps it with the run).
    local unit
    for unit in "$GENERATED/$PROFILE.service" "$GENERATED/$PROFILE-hold.service"; do
        [ -e "$unit" ] && sed "s|^|E2E-UNIT $tag${unit##*/}: |" "$unit"
    done
    return 0
}

# Stage as ostree >= 2025.2 does: start the finalize unit (and with it the hold), then write
# the staged file.
stage() {
    systemctl start "$PROFILE.service"
    mkdir -p "${STAGED%/*}"
    echo staged > "$STAGED"
    note staged_at "$(uptime_s)"
}

# The states the host checks, read without touching /boot.
note_states() {
    local tag=$1
    note "${tag}boot_fstype" "$(fstype_at /boot)"
    note "${tag}boot_mount" "$(systemctl is-active boot.mount)"
    note "${tag}finalize" "$(systemctl is-active "$PROFILE.service")"
    note "${tag}hold" "$(systemctl is-active "$PROFILE-hold.service")"
}
