#include "cncurses.h"
#include <locale.h>
#include <stdlib.h>
#include <string.h>
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
