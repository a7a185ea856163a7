// libsystemd's sd-bus types that boothold-finalize needs to call sd-bus through dlopen(3):
// boothold does not build against libsystemd's headers (no libsystemd-dev build dependency).
#ifndef CBOOTHOLD_BUS_H
#define CBOOTHOLD_BUS_H

/// sd_bus_error exactly as <systemd/sd-bus.h> declares it (ABI-stable since systemd 221):
/// initialize to zeros, free with sd_bus_error_free().
typedef struct cbh_sd_bus_error {
    const char *name;
    const char *message;
    int _need_free;
} cbh_sd_bus_error;

#endif
