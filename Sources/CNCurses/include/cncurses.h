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
#endif
