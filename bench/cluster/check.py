#!/usr/bin/env python3
"""After bench/cluster/run.sh: are the counts exact? Reads the wrk answers ($OUT/answers-*.txt) and the database.

1. Every answered verification (200) is in the audit trail exactly once (by its correlation id); no attempt, answered
   or cut off by a kill, is in it twice.
2. Failure counters and locks replayed from the audit trail per person (each person's entries are in one chain, in
   sequence order): a success resets, a counted wrong code adds one, the MAX-th locks — the lock entry comes exactly
   then, and an active code's counter in the database is what the replay says.
3. Every lock has exactly one letter: a re-issue letter, or (cap reached) a lock notice — per person.
4. No 500, and every other 5xx answer is a problem detail (application/problem+json).
Exit 1 on any violation. Usage: check.py OUT PSQL_URL MAX_FAILURES RUN_START_ISO
"""
import collections, glob, subprocess, sys

out, url, max_failures, since = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
problems = []

def sql(query):
    res = subprocess.run(["psql", url, "-qAt", "-F", "\t", "-c", query], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in res.stdout.splitlines() if line]

answers = {}
statuses = collections.Counter()
bad_5xx = collections.Counter()
for path in glob.glob(f"{out}/answers-*.txt"):
    for line in open(path):
        parts = line.split()
        if len(parts) != 3:
            continue
        cid, status, ctype = parts[0], int(parts[1]), parts[2]
        statuses[status] += 1
        if status >= 500 and (status == 500 or ctype != "application/problem+json"):
            bad_5xx[(status, ctype)] += 1
        if cid != "-":
            answers[cid] = status
print("answers by status:", dict(sorted(statuses.items())))
if bad_5xx:
    problems.append(f"5xx without a problem detail (or a 500): {dict(bad_5xx)}")

audited = collections.Counter(r[0] for r in sql(
    f"SELECT correlation_id FROM audit_entries WHERE correlation_id LIKE 'cl-%' AND action IN (2002, 2003)"))
twice = [c for c, n in audited.items() if n > 1]
missing = [c for c, s in answers.items() if s == 200 and audited[c] != 1]
cut_off = [c for c in audited if c not in answers]
print(f"attempts in the audit trail: {sum(audited.values())}; answered 200: {sum(1 for s in answers.values() if s == 200)};"
      f" audited but not answered (cut off by a kill or the restart, committed): {len(cut_off)}")
if twice:
    problems.append(f"{len(twice)} attempts audited twice, e.g. {twice[:3]}")
if missing:
    problems.append(f"{len(missing)} answered attempts not audited exactly once, e.g. {missing[:3]}")

# Replay per person in chain order.
rows = sql(f"""SELECT subject_person_id, action, coalesce(reason_code, ''), chain, seq FROM audit_entries
               WHERE subject_person_id IS NOT NULL AND action IN (2002, 2003, 2004, 2005) AND occurred_at >= '{since}'
               ORDER BY chain, seq""")
failures = collections.Counter()
locks = collections.Counter()
for person, action, reason, _, _ in rows:
    action = int(action)
    if action == 2002:
        failures[person] = 0
    elif action == 2003 and reason == "wrong-code":
        failures[person] += 1
        if failures[person] >= max_failures:
            problems.append(f"person {person}: a {max_failures}th counted failure without a lock")
    elif action == 2003 and reason == "wrong-code-locked":
        if failures[person] != max_failures - 1:
            problems.append(f"person {person}: locked after {failures[person] + 1} counted failures instead of {max_failures}")
        failures[person] = 0
    elif action == 2004:
        locks[person] += 1
codes = {r[0]: (r[1], int(r[2])) for r in sql("SELECT person_id, state, failures FROM auth_codes")}
wrong_counter = [p for p, (state, f) in codes.items() if state == "Active" and f != failures.get(p, 0)]
if wrong_counter:
    problems.append(f"{len(wrong_counter)} active codes whose counter differs from the audit trail, e.g. {wrong_counter[:3]}")
letters = collections.Counter(r[0] for r in sql(
    f"SELECT person_id FROM letters WHERE kind IN ('code-reissued-after-lock', 'code-locked') AND queued_at >= '{since}'"))
lock_letter_mismatch = [p for p in set(locks) | set(letters) if locks[p] != letters[p]]
print(f"locks: {sum(locks.values())} ({len(locks)} persons); their letters: {sum(letters.values())}; active codes checked: "
      f"{sum(1 for s, _ in codes.values() if s == 'Active')}")
if lock_letter_mismatch:
    problems.append(f"{len(lock_letter_mismatch)} persons whose locks and lock letters differ, e.g. {lock_letter_mismatch[:3]}")

for p in problems:
    print("VIOLATION:", p)
print("counts exact" if not problems else f"{len(problems)} violations")
sys.exit(1 if problems else 0)
