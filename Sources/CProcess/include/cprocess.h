#ifndef GWCONSOLE_CPROCESS_H
#define GWCONSOLE_CPROCESS_H
#include <spawn.h>

/// Adds "close every descriptor from `lowfd` up" to spawn actions (glibc's _np extension, hidden without _GNU_SOURCE).
int gw_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowfd);
/// Initialises spawn attributes so the child starts with no blocked signals and default dispositions (a parent's
/// blocked or ignored signals would otherwise carry over: nginx needs HUP and QUIT, a terminal program WINCH).
int gw_spawnattr_clean_signals(posix_spawnattr_t *attr);
/// Adds "start a new session" to spawn attributes (POSIX_SPAWN_SETSID, hidden without _GNU_SOURCE): a daemon that
/// does not detach itself must not get the terminal's signals (Ctrl-C) meant for its parent.
int gw_spawnattr_new_session(posix_spawnattr_t *attr);
/// Takes copies of the TCP listening sockets held by `pids` (workers a killed nginx master left behind) with
/// pidfd_getfd (Linux 5.6+, needs ptrace rights over them), one per socket, as close-on-exec descriptors numbered
/// from 100 so they cannot collide with the descriptors a spawn lays out. Returns how many were stored in `out`.
int gw_take_listening_sockets(const int *pids, int npids, int *out, int max);
/// memmem (a GNU extension, hidden without _GNU_SOURCE): the first `needle` in `haystack`, or NULL.
const void *gw_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
/// Installs SIGTERM and SIGINT handlers that only set a flag (async-signal-safe), for a daemon's main loop.
void gw_install_stop_handler(void);
/// Whether SIGTERM or SIGINT arrived since `gw_install_stop_handler`.
int gw_stop_requested(void);
/// A local pod's network (pod_sandbox.c): binds each of `count` host sockets (`protocols[i]` 0 TCP, 1 UDP, on
/// `addresses[i]:host_ports[i]`), moves into a new network namespace (inside a new user namespace when not root) with
/// only loopback up, runs `argv` there, and forwards each host socket to `127.0.0.1:pod_ports[i]` inside (a TCP
/// port listens only once the pod does). SIGTERM stops the child (SIGKILL after 2 s). Returns the child's exit
/// status, or 1 or 2 when the sandbox could not be made (the reason on stderr).
int gw_pod_sandbox(int count, const int *protocols, const char *const *addresses, const int *host_ports,
                   const int *pod_ports, char *const *argv);
/// The pod sandbox's command line (`--forward tcp|udp:ADDRESS:PORT:POD_PORT` repeated, `--`, the command): the
/// `gwconsole-pod-sandbox` helper's main and `gwconsole pod-sandbox`'s. Returns the exit status (2 for bad usage).
int gw_pod_sandbox_main(int argc, char **argv);
#endif
