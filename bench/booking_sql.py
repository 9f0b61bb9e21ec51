#!/usr/bin/env python3
"""Turns the statements PostgreSQL logged for one booking through the API
(log_statement = all, on the bench database only) into a pgbench script
that runs the same statements, in the same order and transactions, for a
different slot and patient each time.

Usage: booking_sql.py LOG_SLICE SLOT_ID HOLDER_ID NEW_IDS_FILE > booking.pgbench

- the slot and the holder become `(SELECT id FROM bench_slots|bench_patients
  WHERE n = :n::bigint)`, `:n` coming from one `nextval` per transaction (the one
  statement the script adds, said in docs/BENCHMARKS.md);
- ids the booking created (NEW_IDS_FILE: the appointment's and the outbox
  rows', one per line, the k-th from 0) become `(SELECT id FROM bench_new
  WHERE n = :n AND k = k)`, pre-made uuids, wherever they appear (inside
  a dedupe key or a message's parameters too), so every transaction
  writes unique keys and its rows still refer to each other;
- every other parameter is inlined as the literal it was (an escape
  string where it holds a colon pgbench would take for a variable).
Prints the statements it found to stderr.
"""
import re
import sys

log_path, slot, holder, new_ids_path = sys.argv[1:5]
new_ids = [l.strip() for l in open(new_ids_path) if l.strip()]

# "2026-12-04 10:00:00.000 UTC [1234] postgres@sihati_bench LOG:  execute sqlx_s_1: SELECT …"
head = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] \S* ?(LOG|DETAIL):\s+(.*)$")
entries = []  # [pid, kind, text]
for line in open(log_path, encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    m = head.match(line)
    if m:
        entries.append([m.group(1), m.group(2), m.group(3)])
    elif entries and line.startswith(("\t", " ")):
        entries[-1][2] += "\n" + line.strip()

statements = []  # (pid, sql, params)
for pid, kind, text in entries:
    if kind == "LOG":
        m = re.match(r"(?:execute [^:]+|statement):\s*(.*)$", text, re.S)
        if m:
            statements.append([pid, m.group(1).strip(), {}])
    elif kind == "DETAIL" and statements and statements[-1][0] == pid:
        m = re.match(r"[Pp]arameters:\s*(.*)$", text, re.S)
        if m:
            for n, v in re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", m.group(1)):
                statements[-1][2][int(n)] = v

booking_pid = next((s[0] for s in statements if s[1].startswith('INSERT INTO "appointments"')), None)
if booking_pid is None:
    sys.exit("no booking in the captured log")
# The booking's connection, and the request's reads of its session and
# account on whichever pooled connection they ran; not the server's
# background jobs.
statements = [s for s in statements if s[0] == booking_pid or re.match(r'SELECT .* FROM "(sessions|users)"', s[1], re.S)]

def guarded(v):
    """pgbench takes `:name` for a variable even inside a string literal
    (a JSON parameter's `"sent":true`), and in prepared mode turns it into
    a parameter the server cannot type. The same value is written as an
    escape string with its colons as `\\x3a`, which pgbench does not see."""
    if v.startswith("'") and re.search(r":[A-Za-z_\x80-\uffff]", v):
        return "E'" + v[1:-1].replace("\\", "\\\\").replace(":", "\\x3a") + "'"
    return v


def literal(v):
    inner = v[1:-1] if v.startswith("'") else None
    if inner == slot:
        return "(SELECT id FROM bench_slots WHERE n = :n::bigint)"
    if inner == holder:
        return "(SELECT id FROM bench_patients WHERE n = :n::bigint)"
    if inner in new_ids:
        return "(SELECT id FROM bench_new WHERE n = :n::bigint AND k = %d)" % new_ids.index(inner)
    if inner is not None and any(i in inner for i in new_ids):
        expr = guarded(v)
        for k, i in enumerate(new_ids):
            if i in inner:
                expr = "replace(%s, '%s', (SELECT id::text FROM bench_new WHERE n = :n::bigint AND k = %d))" % (expr, i, k)
        return expr
    return guarded(v)

out = ["SELECT nextval('bench_n') AS n \\gset"]
for pid, sql, params in statements:
    sql = re.sub(r"\$(\d+)", lambda m: literal(params[int(m.group(1))]) if int(m.group(1)) in params else m.group(0), sql)
    sql = " ".join(sql.split())
    print(f"[{pid}] {sql[:150]}", file=sys.stderr)
    out.append(sql + ";")
print("\n".join(out))
