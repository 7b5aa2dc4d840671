#define _GNU_SOURCE
#include "csystem.h"

int gw_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowfd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
}

#include <signal.h>

int gw_spawnattr_clean_signals(posix_spawnattr_t *attr) {
    int rc = posix_spawnattr_init(attr);
    if (rc != 0) return rc;
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    posix_spawnattr_setsigmask(attr, &empty);
    posix_spawnattr_setsigdefault(attr, &all);
    return posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}
