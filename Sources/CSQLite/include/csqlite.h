#ifndef GWCONSOLE_CSQLITE_H
#define GWCONSOLE_CSQLITE_H
#include <sqlite3.h>

/// Binds text that SQLite copies (SQLITE_TRANSIENT is a macro cast that Swift cannot import).
int gw_sqlite3_bind_text_transient(sqlite3_stmt *stmt, int index, const char *text, int length);
#endif
