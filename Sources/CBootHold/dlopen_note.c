// The libraries boothold loads with dlopen(3) instead of linking, declared in an ELF
// ".note.dlopen" note (https://systemd.io/ELF_DLOPEN_METADATA/, as systemd itself does), so
// packaging tools can derive the run-time dependencies that DT_NEEDED no longer shows.
#include <stdint.h>

#define BOOTHOLD_DLOPEN_JSON                                                                      \
    "[{\"feature\":\"mount\",\"description\":\"boothold-generator reads the mount table and "     \
    "fstab; boothold-finalize mounts a path nothing else serves\",\"priority\":\"required\","      \
    "\"soname\":[\"libmount.so.1\"]},"                                                              \
    "{\"feature\":\"journal\",\"description\":\"boothold-finalize writes structured journal "     \
    "records and asks PID 1 about mount units\",\"priority\":\"recommended\","                     \
    "\"soname\":[\"libsystemd.so.0\"]}]"

#define ALIGN4(n) (((n) + 3) & ~3)

// One ELF note: owner "FDO", type 0x407c0c0a (FDO_DLOPEN), the NUL-terminated JSON as its
// description. "used" keeps it from the compiler, "retain" from the linker's --gc-sections.
__attribute__((used, retain, section(".note.dlopen"), aligned(4)))
static const struct {
    uint32_t name_size;
    uint32_t description_size;
    uint32_t type;
    char name[4];
    char description[ALIGN4(sizeof(BOOTHOLD_DLOPEN_JSON))];
} boothold_dlopen_note = {
    .name_size = 4,
    .description_size = ALIGN4(sizeof(BOOTHOLD_DLOPEN_JSON)),
    .type = 0x407c0c0a,
    .name = "FDO",
    .description = BOOTHOLD_DLOPEN_JSON,
};
