// Workloads over an in-memory SQLite database, exported for WasmProbe to invoke (see README.md).
// Every export opens its own ":memory:" database and closes it again, so the exports can be called in any order,
// any number of times, in one instance.
#include <stdint.h>
#include "sqlite3.h"

#define EXPORT(name) __attribute__((export_name(name)))

// Folds a value into a running checksum (FNV-1a style, over 32 bits).
static uint32_t mix(uint32_t checksum, int64_t value) {
  for (int i = 0; i < 8; i++) {
    checksum ^= (uint32_t)(value & 0xff);
    checksum *= 16777619u;
    value >>= 8;
  }
  return checksum;
}

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, 0, 0, 0); }

// Folds every column of every row of a query into the checksum; returns -1 if the query fails.
static int64_t query_checksum(sqlite3 *db, const char *sql, uint32_t checksum) {
  sqlite3_stmt *statement;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, 0) != SQLITE_OK) return -1;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    for (int column = 0; column < sqlite3_column_count(statement); column++) {
      if (sqlite3_column_type(statement, column) == SQLITE_TEXT) {
        const unsigned char *text = sqlite3_column_text(statement, column);
        for (; *text; text++) checksum = mix(checksum, *text);
      } else {
        checksum = mix(checksum, sqlite3_column_int64(statement, column));
      }
    }
  }
  return sqlite3_finalize(statement) == SQLITE_OK ? checksum : -1;
}

// Inserts n rows (id, name, category, amount) through one prepared statement in one transaction.
static int insert_rows(sqlite3 *db, int n) {
  static const char *const names[] = {"apple", "pear", "plum", "cherry", "quince", "fig", "grape"};
  sqlite3_stmt *insert;
  if (exec(db, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL, category INTEGER, amount INTEGER)") != SQLITE_OK) return -1;
  if (exec(db, "BEGIN") != SQLITE_OK) return -1;
  if (sqlite3_prepare_v2(db, "INSERT INTO item(name, category, amount) VALUES (?1, ?2, ?3)", -1, &insert, 0) != SQLITE_OK) return -1;
  uint32_t seed = 12345;
  for (int i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    sqlite3_bind_text(insert, 1, names[seed % 7], -1, SQLITE_STATIC);
    sqlite3_bind_int(insert, 2, (int)(seed >> 8) % 13);
    sqlite3_bind_int(insert, 3, (int)(seed >> 16) % 1000);
    if (sqlite3_step(insert) != SQLITE_DONE) return -1;
    sqlite3_reset(insert);
  }
  if (sqlite3_finalize(insert) != SQLITE_OK) return -1;
  return exec(db, "COMMIT") == SQLITE_OK ? 0 : -1;
}

// Inserts n rows, then folds an aggregate per category into a checksum (-1 if a statement fails).
EXPORT("sqlite_inserts")
int sqlite_inserts(int n) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return -1;
  int64_t checksum = insert_rows(db, n) == 0
      ? query_checksum(db, "SELECT category, count(*), sum(amount), max(name) FROM item GROUP BY category ORDER BY category", 2166136261u)
      : -1;
  sqlite3_close(db);
  return (int)checksum;
}

// A small workload: 200 rows, an index, a filtered and ordered query, a join and an update (-1 if a statement fails).
EXPORT("sqlite_query")
int sqlite_query(void) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return -1;
  int64_t checksum = -1;
  if (insert_rows(db, 200) == 0
      && exec(db, "CREATE INDEX item_amount ON item(amount)") == SQLITE_OK
      && exec(db, "CREATE TABLE category(id INTEGER PRIMARY KEY, label TEXT)") == SQLITE_OK
      && exec(db, "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 12) "
                  "INSERT INTO category SELECT x, 'category ' || x FROM c") == SQLITE_OK
      && exec(db, "UPDATE item SET amount = amount + 1 WHERE name = 'fig'") == SQLITE_OK) {
    checksum = query_checksum(db, "SELECT id, name, amount FROM item WHERE amount BETWEEN 100 AND 300 ORDER BY amount DESC, id LIMIT 20", 2166136261u);
    if (checksum != -1)
      checksum = query_checksum(db, "SELECT c.label, count(*), avg(i.amount) FROM item i JOIN category c ON c.id = i.category "
                                    "GROUP BY c.id HAVING count(*) > 10 ORDER BY c.label", (uint32_t)checksum);
  }
  sqlite3_close(db);
  return (int)checksum;
}

// The result code of opening (and closing) an in-memory database: SQLITE_OK (0), or SQLITE_NOMEM (7) when an
// allocation fails, which makes it the entry point for fault-injection tests of malloc.
EXPORT("sqlite_open_close")
int sqlite_open_close(void) {
  sqlite3 *db;
  int rc = sqlite3_open(":memory:", &db);
  sqlite3_close(db);
  return rc;
}

// _start runs the small workload; its exit code is 1 if a statement failed.
int main(void) { return sqlite_query() == -1; }
