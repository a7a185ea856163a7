// A stand-in for PID 1's private D-Bus socket (/run/systemd/private), for the tests of
// boothold-finalize's own mount: PID 1 on a build machine is not systemd. It serves just
// what boothold-finalize asks: org.freedesktop.systemd1.Manager.LoadUnit(s) → o, and the
// string properties Unit.LoadState and Mount.What/Type/Options of the units given on the
// command line; any other unit is LoadState=not-found, as systemd answers for a name that
// nothing defines. Built by the tests with `gcc -o STANDIN systemd-bus-standin.c -lsystemd`.
//
//   systemd-bus-standin SOCKET answer|silent [UNIT LOADSTATE WHAT TYPE OPTIONS]...
//
// Prints "ready" once listening and "LoadUnit UNIT" for every call; `silent` accepts
// connections and never says a word (a PID 1 that does not answer). Exits after 120 s.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

struct unit {
    const char *name, *load_state, *what, *type, *options;
};

static struct unit *units;
static int unit_count;
static struct unit not_found = { "", "not-found", "", "", "" };

static const char *unit_prefix = "/org/freedesktop/systemd1/unit";

static int load_unit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    const char *name;
    int r = sd_bus_message_read(m, "s", &name);
    if (r < 0)
        return r;
    printf("LoadUnit %s\n", name);
    fflush(stdout);
    char *path = NULL;
    r = sd_bus_path_encode(unit_prefix, name, &path);
    if (r < 0)
        return r;
    r = sd_bus_reply_method_return(m, "o", path);
    free(path);
    return r;
}

static int find_unit(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                     sd_bus_error *error) {
    char *name = NULL;
    int r = sd_bus_path_decode(path, unit_prefix, &name);
    if (r <= 0)
        return r;
    *found = &not_found;
    for (int i = 0; i < unit_count; i++)
        if (strcmp(units[i].name, name) == 0)
            *found = &units[i];
    free(name);
    return 1;
}

static int get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error) {
    struct unit *u = userdata;
    const char *value = strcmp(property, "LoadState") == 0 ? u->load_state
                      : strcmp(property, "What") == 0      ? u->what
                      : strcmp(property, "Type") == 0      ? u->type
                                                           : u->options;
    return sd_bus_message_append(reply, "s", value);
}

static const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("LoadUnit", "s", "o", load_unit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable unit_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("LoadState", "s", get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable mount_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("What", "s", get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Type", "s", get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Options", "s", get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

static void serve(int fd) {
    sd_bus *bus = NULL;
    sd_id128_t id;
    int r = sd_bus_new(&bus);
    if (r >= 0)
        r = sd_bus_set_fd(bus, fd, fd);
    if (r >= 0)
        r = sd_id128_randomize(&id);
    if (r >= 0)
        r = sd_bus_set_server(bus, 1, id);
    if (r >= 0)
        r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                     manager_vtable, NULL);
    if (r >= 0)
        r = sd_bus_add_fallback_vtable(bus, NULL, unit_prefix, "org.freedesktop.systemd1.Unit", unit_vtable, find_unit,
                                       NULL);
    if (r >= 0)
        r = sd_bus_add_fallback_vtable(bus, NULL, unit_prefix, "org.freedesktop.systemd1.Mount", mount_vtable,
                                       find_unit, NULL);
    if (r >= 0)
        r = sd_bus_start(bus);
    while (r >= 0) {
        r = sd_bus_process(bus, NULL);
        if (r > 0)
            continue;
        if (r == 0)
            r = sd_bus_wait(bus, UINT64_MAX);
    }
    if (r < 0 && r != -ECONNRESET && r != -ENOTCONN)
        fprintf(stderr, "systemd-bus-standin: %s\n", strerror(-r));
    sd_bus_flush_close_unref(bus);
}

int main(int argc, char **argv) {
    if (argc < 3 || (argc - 3) % 5 != 0) {
        fprintf(stderr, "usage: %s SOCKET answer|silent [UNIT LOADSTATE WHAT TYPE OPTIONS]...\n", argv[0]);
        return 2;
    }
    int silent = strcmp(argv[2], "silent") == 0;
    unit_count = (argc - 3) / 5;
    units = calloc(unit_count ? unit_count : 1, sizeof *units);
    for (int i = 0; i < unit_count; i++) {
        char **a = argv + 3 + 5 * i;
        units[i] = (struct unit){ a[0], a[1], a[2], a[3], a[4] };
    }
    alarm(120);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
    unlink(argv[1]);
    if (listener < 0 || bind(listener, (struct sockaddr *) &address, sizeof address) < 0 || listen(listener, 16) < 0) {
        perror("systemd-bus-standin: listen");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            perror("systemd-bus-standin: accept");
            return 1;
        }
        if (silent)
            continue; // kept open, never read: the client waits for an answer that never comes
        serve(fd);
    }
}
