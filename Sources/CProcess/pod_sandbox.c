// The network half of a local pod's sandbox (docs/workloads.md): the pod gets a network namespace of its own, with
// only a loopback interface, and this process stays in the middle, forwarding the pod's address on this machine's
// loopback (127.0.x.y:port, bound here before the move) to the pod's own 127.0.0.1:port. Sockets keep the namespace
// they were made in, so one process can hold both sides; nothing is routed, and the pod can reach nothing but itself.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cprocess.h"

enum { GW_MAX_FORWARDS = 64, GW_UDP_CLIENTS = 64 };

struct gw_forward {
    int protocol;  // 0 TCP, 1 UDP
    int fd;        // bound in this machine's namespace
    int pod_port;
    int listening;
    char label[80];
};

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int bring_up_loopback(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    int result = ioctl(fd, SIOCGIFFLAGS, &request);
    if (result == 0) {
        request.ifr_flags |= IFF_UP;
        result = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    close(fd);
    return result;
}

/// A socket inside the pod's namespace connected to its port on 127.0.0.1 (or ::1), or -1.
static int connect_inside(int type, int port) {
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) == 0) return fd;
    close(fd);
    if (type != SOCK_STREAM) return -1;
    // A pod that listens on IPv6 only ([::]:port with ipv6only).
    fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in6 address6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    address6.sin6_addr = in6addr_loopback;
    if (connect(fd, (struct sockaddr *)&address6, sizeof address6) == 0) return fd;
    close(fd);
    return -1;
}

/// Copies both ways between a client's connection and the pod's until both have closed; a side's end of input is
/// passed on as a half-close.
static void *relay(void *argument) {
    int *fds = argument;
    int a = fds[0], port = fds[1];
    free(fds);
    // Connected here, not where it was accepted: a pod whose backlog is full must not hold up the others.
    int b = connect_inside(SOCK_STREAM, port);
    if (b < 0) {
        close(a);
        return NULL;
    }
    char buffer[65536];
    int open_a = 1, open_b = 1;
    while (open_a || open_b) {
        struct pollfd watch[2] = {{.fd = open_a ? a : -1, .events = POLLIN}, {.fd = open_b ? b : -1, .events = POLLIN}};
        if (poll(watch, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        int failed = 0;
        for (int side = 0; side < 2 && !failed; side++) {
            if (!(watch[side].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            int from = side == 0 ? a : b, to = side == 0 ? b : a;
            ssize_t n = read(from, buffer, sizeof buffer);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) failed = 1;
                shutdown(to, SHUT_WR);
                if (side == 0) open_a = 0; else open_b = 0;
                continue;
            }
            for (ssize_t done = 0; done < n;) {
                ssize_t w = write(to, buffer + done, (size_t)(n - done));
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) { failed = 1; break; }
                done += w;
            }
        }
        if (failed) break;
    }
    close(a);
    close(b);
    return NULL;
}

/// One UDP port: each client (address and port) gets a socket of its own inside the pod, so answers find their way
/// back; the least recently used is dropped when there are too many.
static void *relay_udp(void *argument) {
    struct gw_forward *forward = argument;
    struct client { struct sockaddr_in address; int fd; time_t used; } clients[GW_UDP_CLIENTS];
    int count = 0;
    char buffer[65536];
    for (;;) {
        struct pollfd watch[1 + GW_UDP_CLIENTS];
        watch[0] = (struct pollfd){.fd = forward->fd, .events = POLLIN};
        for (int i = 0; i < count; i++) watch[1 + i] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
        if (poll(watch, (nfds_t)(1 + count), -1) < 0) {
            if (errno == EINTR) continue;
            return NULL;
        }
        if (watch[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t length = sizeof from;
            ssize_t n = recvfrom(forward->fd, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length);
            if (n >= 0) {
                int index = -1;
                for (int i = 0; i < count; i++)
                    if (clients[i].address.sin_addr.s_addr == from.sin_addr.s_addr &&
                        clients[i].address.sin_port == from.sin_port)
                        index = i;
                if (index < 0) {
                    if (count == GW_UDP_CLIENTS) {
                        int oldest = 0;
                        for (int i = 1; i < count; i++)
                            if (clients[i].used < clients[oldest].used) oldest = i;
                        close(clients[oldest].fd);
                        clients[oldest] = clients[--count];
                    }
                    int fd = connect_inside(SOCK_DGRAM, forward->pod_port);
                    if (fd >= 0) {
                        clients[count] = (struct client){.address = from, .fd = fd};
                        index = count++;
                    }
                }
                if (index >= 0) {
                    clients[index].used = time(NULL);
                    (void)send(clients[index].fd, buffer, (size_t)n, 0);
                }
            }
        }
        for (int i = 0; i < count; i++) {
            if (!(watch[1 + i].revents & POLLIN)) continue;
            ssize_t n = recv(clients[i].fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n >= 0)
                (void)sendto(forward->fd, buffer, (size_t)n, 0, (struct sockaddr *)&clients[i].address,
                             sizeof clients[i].address);
        }
    }
}

static void start_thread(void *(*body)(void *), void *argument) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    if (pthread_create(&thread, &attributes, body, argument) != 0 && body == relay) {
        int *fds = argument;
        close(fds[0]);
        free(fds);
    }
    pthread_attr_destroy(&attributes);
}

int gw_pod_sandbox(int count, const int *protocols, const char *const *addresses, const int *host_ports,
                   const int *pod_ports, char *const *argv) {
    if (count > GW_MAX_FORWARDS) count = GW_MAX_FORWARDS;
    static struct gw_forward forwards[GW_MAX_FORWARDS];
    for (int i = 0; i < count; i++) {
        struct gw_forward *forward = &forwards[i];
        forward->protocol = protocols[i];
        forward->pod_port = pod_ports[i];
        forward->listening = 0;
        snprintf(forward->label, sizeof forward->label, "%s %s:%d", protocols[i] ? "udp" : "tcp", addresses[i],
                 host_ports[i]);
        struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)host_ports[i])};
        if (inet_pton(AF_INET, addresses[i], &address.sin_addr) != 1) {
            fprintf(stderr, "pod-sandbox: %s is not an IPv4 address\n", addresses[i]);
            return 2;
        }
        forward->fd = socket(AF_INET, (protocols[i] ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        int one = 1;
        if (forward->fd < 0 || setsockopt(forward->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
            bind(forward->fd, (struct sockaddr *)&address, sizeof address) != 0) {
            fprintf(stderr, "pod-sandbox: cannot bind %s: %s\n", forward->label, strerror(errno));
            return 1;
        }
    }
    // The pod's own network: a new namespace (in a new user namespace when not root, mapping only this user).
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(uid == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        fprintf(stderr, "pod-sandbox: cannot make a network namespace: %s\n", strerror(errno));
        return 1;
    }
    if (uid != 0) {
        char map[64];
        snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
        int mapped = write_file("/proc/self/uid_map", map);
        (void)write_file("/proc/self/setgroups", "deny\n");
        snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
        if (mapped != 0 || write_file("/proc/self/gid_map", map) != 0) {
            fprintf(stderr, "pod-sandbox: cannot map the user into the pod's namespace: %s\n", strerror(errno));
            return 1;
        }
    }
    if (bring_up_loopback() != 0) {
        fprintf(stderr, "pod-sandbox: cannot bring up the pod's loopback: %s\n", strerror(errno));
        return 1;
    }
    // A pod's process is no one special, yet listens on the ports its manifest says (80, 53), as in a container.
    (void)write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0\n");

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGCHLD);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "pod-sandbox: fork: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        sigprocmask(SIG_UNBLOCK, &signals, NULL);
        signal(SIGPIPE, SIG_DFL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (int i = 0; i < count; i++) close(forwards[i].fd);
        execvp(argv[0], argv);
        fprintf(stderr, "pod-sandbox: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    for (int i = 0; i < count; i++)
        if (forwards[i].protocol == 1) {
            forwards[i].listening = 1;
            start_thread(relay_udp, &forwards[i]);
        }

    // Until the child ends: TCP ports start listening here once the pod listens on them (so a connection here means
    // the pod is there, as for a pod IP on Kubernetes); connections are relayed by a thread each.
    int status = 0;
    pid_t stopping = 0;
    struct timespec stop_deadline = {0};
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    for (;;) {
        int waiting = 0;
        for (int i = 0; i < count; i++) {
            if (forwards[i].listening) continue;
            int probe = connect_inside(SOCK_STREAM, forwards[i].pod_port);
            if (probe >= 0) {
                close(probe);
                if (listen(forwards[i].fd, 511) == 0) forwards[i].listening = 1;
            } else {
                waiting = 1;
            }
        }
        struct pollfd watch[1 + GW_MAX_FORWARDS];
        int slots[1 + GW_MAX_FORWARDS];
        int n = 0;
        watch[n++] = (struct pollfd){.fd = signal_fd, .events = POLLIN};
        for (int i = 0; i < count; i++)
            if (forwards[i].protocol == 0 && forwards[i].listening) {
                slots[n] = i;
                watch[n++] = (struct pollfd){.fd = forwards[i].fd, .events = POLLIN};
            }
        // A port the pod has not opened yet is tried every 2 ms while it starts, then every 100 ms (a declared
        // port it never opens costs little).
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int timeout = waiting ? (now.tv_sec - started.tv_sec < 2 ? 2 : 100) : -1;
        if (stopping) timeout = 50;
        int ready = poll(watch, (nfds_t)n, timeout);
        if (ready < 0 && errno != EINTR) break;
        if (stopping) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec > stop_deadline.tv_sec ||
                (now.tv_sec == stop_deadline.tv_sec && now.tv_nsec >= stop_deadline.tv_nsec))
                kill(child, SIGKILL);
        }
        if (ready <= 0) continue;
        if (watch[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            if (read(signal_fd, &info, sizeof info) == sizeof info && info.ssi_signo != SIGCHLD && !stopping) {
                // Stopped: the pod gets SIGTERM, then SIGKILL after its grace (two seconds, as `down` waits).
                kill(child, SIGTERM);
                stopping = child;
                clock_gettime(CLOCK_MONOTONIC, &stop_deadline);
                stop_deadline.tv_sec += 2;
            }
            int wstatus;
            if (waitpid(child, &wstatus, WNOHANG) == child) {
                status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
                break;
            }
        }
        for (int k = 1; k < n; k++) {
            if (!(watch[k].revents & POLLIN)) continue;
            int client = accept4(forwards[slots[k]].fd, NULL, NULL, SOCK_CLOEXEC);
            if (client < 0) continue;
            int *pair = malloc(2 * sizeof(int));
            if (!pair) { close(client); continue; }
            pair[0] = client;
            pair[1] = forwards[slots[k]].pod_port;
            start_thread(relay, pair);
        }
    }
    return status;
}

/// `--forward tcp|udp:ADDRESS:PORT:POD_PORT` (repeated), `--`, then the command.
int gw_pod_sandbox_main(int argc, char **argv) {
    int protocols[GW_MAX_FORWARDS], host_ports[GW_MAX_FORWARDS], pod_ports[GW_MAX_FORWARDS];
    static char addresses_storage[GW_MAX_FORWARDS][64];
    const char *addresses[GW_MAX_FORWARDS];
    int count = 0, i = 0;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--forward") != 0 || i + 1 >= argc) {
            fprintf(stderr, "pod-sandbox: unexpected argument %s (usage: --forward tcp|udp:ADDRESS:PORT:POD_PORT ... -- COMMAND)\n",
                    argv[i]);
            return 2;
        }
        const char *spec = argv[++i];
        char protocol[4] = {0}, address[64] = {0};
        int host = 0, pod = 0, consumed = 0;
        if (count == GW_MAX_FORWARDS ||
            sscanf(spec, "%3[a-z]:%63[0-9.]:%d:%d%n", protocol, address, &host, &pod, &consumed) != 4 ||
            spec[consumed] != 0 || (strcmp(protocol, "tcp") != 0 && strcmp(protocol, "udp") != 0) || host < 1 ||
            host > 65535 || pod < 1 || pod > 65535) {
            fprintf(stderr, "pod-sandbox: --forward %s: expected tcp|udp:ADDRESS:PORT:POD_PORT\n", spec);
            return 2;
        }
        protocols[count] = strcmp(protocol, "udp") == 0;
        memcpy(addresses_storage[count], address, sizeof address);
        addresses[count] = addresses_storage[count];
        host_ports[count] = host;
        pod_ports[count] = pod;
        count++;
    }
    if (i >= argc) {
        fprintf(stderr, "pod-sandbox: give the pod's command after --\n");
        return 2;
    }
    return gw_pod_sandbox(count, protocols, addresses, host_ports, pod_ports, argv + i);
}
