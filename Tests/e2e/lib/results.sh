# Reading a powered-off guest's disks from the host. Source it, then:
#
#   e2e_disk_raw QCOW2 RAW                 flattens a qcow2 layer (and its backing file) into a
#                                          sparse raw image that debugfs and mtools can read
#   e2e_ext4_rdump IMG[?offset=BYTES] GUESTDIR HOSTDIR
#                                          copies GUESTDIR out of an ext4 image (HOSTDIR/<name>)
#   e2e_ext4_cat IMG[?offset=BYTES] FILE   prints one file of an ext4 image
#   e2e_vfat_cat IMG[@@BYTES] FILE         prints one file of a vfat image (empty if missing)
#   e2e_journal DIR [journalctl ARG…]      journalctl over a copied /var/log/journal
#   e2e_journal_time DIR BOOT MESSAGE_ID UNIT
#                                          monotonic seconds of the first entry of boot BOOT
#                                          (0 = last, -1 = the one before, as journalctl -b)
#                                          with that MESSAGE_ID for UNIT; empty when none
# systemd's unit state messages, as MESSAGE_IDs (see `journalctl --list-catalog`).
E2E_MSG_STARTED=39f53479d3a045ac8e11786248231fbf
E2E_MSG_STOPPING=de5b426a63be47a7b6ac3eaac82e2f6f
E2E_MSG_STOPPED=9d1aaa27d60140bd96365438aad20286
E2E_MSG_SUCCEEDED=7ad2d189f7e94e70a38c781354912448
E2E_MSG_FAILED=d9b373ed55a64feb8242e02dbe79a49c   # "Failed with result …"

e2e_disk_raw() { qemu-img convert -q -O raw "$1" "$2"; }

e2e_ext4_rdump() {
    mkdir -p "$3"
    debugfs -R "rdump $2 $3" "$1" >/dev/null 2>&1
}

e2e_ext4_cat() { debugfs -R "cat $2" "$1" 2>/dev/null; }

e2e_vfat_cat() { MTOOLS_SKIP_CHECK=1 mtype -i "$1" "::$2" 2>/dev/null || true; }

e2e_journal() {
    local dir=$1; shift
    journalctl --no-pager -q -D "$dir" "$@" 2>/dev/null
}

e2e_journal_time() {
    e2e_journal "$1" -b "$2" -o short-monotonic "MESSAGE_ID=$3" "UNIT=$4" \
        | awk -F'[][]' 'NR == 1 { gsub(/ /, "", $2); print $2 }'
}
