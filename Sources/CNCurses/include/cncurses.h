#ifndef GWCONSOLE_CNCURSES_H
#define GWCONSOLE_CNCURSES_H
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

/// Size of a window (getmaxyx is a macro).
void gw_getmaxyx(WINDOW *win, int *rows, int *cols);
/// The attribute for a colour pair (COLOR_PAIR is a macro).
attr_t gw_color_pair(short pair);
/// Attribute constants (A_* are macros built from NCURSES_BITS).
attr_t gw_attr_bold(void);
attr_t gw_attr_reverse(void);
attr_t gw_attr_underline(void);
attr_t gw_attr_dim(void);
/// Puts one UTF-8 encoded string at a position with attributes, clipped to `maxcols` cells.
int gw_put_utf8(WINDOW *win, int y, int x, const char *utf8, attr_t attrs, int maxcols);
/// The standard screen (stdscr is a macro over a global on some builds).
WINDOW *gw_stdscr(void);
/// Enables the user's locale so wide characters render (setlocale(LC_ALL, "")).
void gw_enable_locale(void);
/// 1 when the locale's character set is UTF-8 (after gw_enable_locale).
int gw_locale_is_utf8(void);
/// The number of colours the terminal has (COLORS is a macro over a global).
int gw_colors(void);
/// Reads one key as a wide character. Returns 0 for a character (in *code), 1 for a function key (KEY_*), -1 when
/// nothing came before the timeout.
int gw_read_key(int *code);
/// Turns on mouse reporting (clicks and the wheel).
void gw_enable_mouse(void);
/// After KEY_MOUSE: the position and what happened (1 click, 2 wheel up, 3 wheel down, 0 other). Returns -1 on error.
int gw_read_mouse(int *row, int *column, int *kind);
/// Key codes (macros).
int gw_key_mouse(void);
int gw_key_resize(void);
int gw_key_btab(void);
/// Restores the terminal from a signal handler (async-signal-safe: tcsetattr and write only), then lets the signal
/// take its default course. Installed for SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGTERM, SIGHUP,
/// SIGINT and SIGQUIT, and unblocks them and SIGWINCH (a parent may have blocked them); call before initscr.
void gw_install_terminal_restore(void);
#endif
