#ifndef GWCONSOLE_CSYSTEM_H
#define GWCONSOLE_CSYSTEM_H
#include <spawn.h>

/// Adds "close every descriptor from `lowfd` up" to spawn actions (glibc's _np extension, hidden without _GNU_SOURCE).
int gw_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowfd);
#endif
