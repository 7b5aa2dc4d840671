#include "cncurses.h"
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

void gw_getmaxyx(WINDOW *win, int *rows, int *cols) {
    int r, c;
    getmaxyx(win, r, c);
    *rows = r;
    *cols = c;
}

attr_t gw_color_pair(short pair) { return COLOR_PAIR(pair); }
attr_t gw_attr_bold(void) { return A_BOLD; }
attr_t gw_attr_reverse(void) { return A_REVERSE; }
attr_t gw_attr_underline(void) { return A_UNDERLINE; }
attr_t gw_attr_dim(void) { return A_DIM; }
WINDOW *gw_stdscr(void) { return stdscr; }
void gw_enable_locale(void) { setlocale(LC_ALL, ""); }
int gw_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
int gw_colors(void) { return COLORS; }
int gw_key_mouse(void) { return KEY_MOUSE; }
int gw_key_resize(void) { return KEY_RESIZE; }
int gw_key_btab(void) { return KEY_BTAB; }

int gw_put_utf8(WINDOW *win, int y, int x, const char *utf8, attr_t attrs, int maxcols) {
    size_t len = strlen(utf8);
    wchar_t *wide = calloc(len + 1, sizeof(wchar_t));
    if (wide == NULL) return ERR;
    size_t n = mbstowcs(wide, utf8, len + 1);
    if (n == (size_t)-1) { free(wide); return ERR; }
    attr_t old_attrs; short old_pair;
    wattr_get(win, &old_attrs, &old_pair, NULL);
    wattrset(win, attrs);
    int rc = mvwaddnwstr(win, y, x, wide, maxcols < 0 ? -1 : maxcols);
    wattrset(win, old_attrs);
    free(wide);
    return rc;
}

int gw_read_key(int *code) {
    wint_t ch = 0;
    int rc = wget_wch(stdscr, &ch);
    if (rc == ERR) return -1;
    *code = (int)ch;
    return rc == KEY_CODE_YES ? 1 : 0;
}

void gw_enable_mouse(void) {
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

int gw_read_mouse(int *row, int *column, int *kind) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *row = event.y;
    *column = event.x;
    if (event.bstate & BUTTON4_PRESSED) *kind = 2;
    else if (event.bstate & BUTTON5_PRESSED) *kind = 3;
    else if (event.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) *kind = 1;
    else *kind = 0;
    return 0;
}

static struct termios saved_modes;
static int saved = 0;

static void restore_terminal(int sig) {
    if (saved) tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes);
    /* leave the alternate screen, show the cursor, stop mouse reporting, reset attributes */
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
    signal(sig, SIG_DFL);
    raise(sig);
}

void gw_install_terminal_restore(void) {
    if (tcgetattr(STDIN_FILENO, &saved_modes) == 0) saved = 1;
    /* A parent may have blocked or ignored signals (test runners, some shells): ncurses needs SIGWINCH for resizes,
       and the restore handler needs the others delivered. */
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGWINCH);
    signal(SIGWINCH, SIG_DFL);
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGTERM, SIGHUP, SIGINT, SIGQUIT};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = restore_terminal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(signals[i], &action, NULL);
        sigaddset(&unblock, signals[i]);
    }
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}
