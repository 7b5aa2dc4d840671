#ifndef GWCONSOLE_CSYSTEM_H
#define GWCONSOLE_CSYSTEM_H
#include <spawn.h>

/// Adds "close every descriptor from `lowfd` up" to spawn actions (glibc's _np extension, hidden without _GNU_SOURCE).
int gw_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowfd);
/// Initialises spawn attributes so the child starts with no blocked signals and default dispositions (a parent's
/// blocked or ignored signals would otherwise carry over: nginx needs HUP and QUIT, a terminal program WINCH).
int gw_spawnattr_clean_signals(posix_spawnattr_t *attr);
#endif
