#define _GNU_SOURCE
#include "cprocess.h"

int gw_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowfd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
}

#include <signal.h>

int gw_spawnattr_new_session(posix_spawnattr_t *attr) {
    short flags = 0;
    posix_spawnattr_getflags(attr, &flags);
    return posix_spawnattr_setflags(attr, flags | POSIX_SPAWN_SETSID);
}

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

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int gw_take_listening_sockets(const int *pids, int npids, int *out, int max) {
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
    int n = 0;
    ino_t seen[64];
    int nseen = 0;
    for (int p = 0; p < npids && n < max; p++) {
        int pidfd = (int)syscall(SYS_pidfd_open, pids[p], 0);
        if (pidfd < 0) continue;
        char dir[64];
        snprintf(dir, sizeof dir, "/proc/%d/fd", pids[p]);
        DIR *d = opendir(dir);
        if (d == NULL) { close(pidfd); continue; }
        struct dirent *entry;
        while ((entry = readdir(d)) != NULL && n < max) {
            if (entry->d_name[0] == '.') continue;
            int target = atoi(entry->d_name);
            int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
            if (fd < 0) continue;
            struct stat st;
            int accepting = 0;
            socklen_t len = sizeof accepting;
            struct sockaddr_storage address;
            socklen_t address_length = sizeof address;
            /* TCP listeners only: a Unix socket (the control socket) is bound anew by its path. */
            int keep = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)
                && getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting
                && getsockname(fd, (struct sockaddr *)&address, &address_length) == 0
                && (address.ss_family == AF_INET || address.ss_family == AF_INET6);
            for (int i = 0; keep && i < nseen; i++) if (seen[i] == st.st_ino) keep = 0;
            if (keep && nseen < 64) {
                int high = fcntl(fd, F_DUPFD_CLOEXEC, 100);
                if (high >= 0) { seen[nseen++] = st.st_ino; out[n++] = high; }
            }
            close(fd);
        }
        closedir(d);
        close(pidfd);
    }
    return n;
#else
    (void)pids; (void)npids; (void)out; (void)max;
    return 0;
#endif
}

static volatile sig_atomic_t gw_stop_flag = 0;

static void gw_stop_handler(int signal) {
    (void)signal;
    gw_stop_flag = 1;
}

void gw_install_stop_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = gw_stop_handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int gw_stop_requested(void) { return gw_stop_flag; }

const void *gw_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
