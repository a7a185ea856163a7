// libsystemd's sd-bus header, for its types only: BootHoldBus loads libsystemd.so.0 with
// dlopen(3), so nothing links it.
#include <systemd/sd-bus.h>
