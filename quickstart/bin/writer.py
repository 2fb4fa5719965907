#!/usr/bin/env python3
"""The quickstart's application in one region: single-statement transactions at a fixed rate on
the keys this region owns (updates of its accounts, inserts, deletes of rows it inserted), and with
--shared N also on accounts 1..N that the other region's writer updates too (conflicts), printed
as SQL for the mariadb client to execute. Writes how many statements it produced to --count-file."""
import argparse, os, random, signal, sys, time

def interrupted(*_):
    # Ctrl-C reaches the whole process group: the writer ends without a traceback and leaves a mark, so the
    # quickstart reports an interruption rather than a failed writer.
    open(sys.argv[sys.argv.index("--count-file") + 1] + ".interrupted", "w").close()
    sys.exit(130)


signal.signal(signal.SIGINT, interrupted)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # the mariadb client went away: end without a traceback

p = argparse.ArgumentParser()
p.add_argument("--region", required=True)
p.add_argument("--index", type=int, required=True)      # owns seeded ids with id % 2 == index
p.add_argument("--seeded", type=int, required=True)
p.add_argument("--rate", type=float, required=True)     # statements per second
p.add_argument("--duration", type=float, required=True) # seconds
p.add_argument("--count-file", required=True)
p.add_argument("--shared", type=int, default=0)         # ids 1..N that both regions' writers update (conflicts)
a = p.parse_args()

rnd = random.Random(a.index)
owned = [i for i in range(1, a.seeded + 1) if i % 2 == a.index]
inserted = []
next_id = 1_000_000 * (a.index + 1)
count = 0
start = time.monotonic()
deadline = start + a.duration
while True:
    now = time.monotonic()
    if now >= deadline:
        break
    dice = rnd.randrange(100)
    if a.shared and dice < 25:
        i = rnd.randrange(1, a.shared + 1)
        sql = (f"UPDATE shop.account SET balance = balance + {rnd.randrange(1, 50)}, note = 'shared {a.region} {count}', "
               f"updated_at = NOW(6) WHERE id = {i};")
    elif dice < 70:
        i = rnd.choice(owned)
        sql = (f"UPDATE shop.account SET balance = balance + {rnd.randrange(1, 50)}, note = '{a.region} {count}', "
               f"updated_at = NOW(6) WHERE id = {i};")
    elif dice < 90 or not inserted:
        owned.append(next_id); inserted.append(next_id)
        sql = f"INSERT INTO shop.account VALUES ({next_id}, '{a.region}', 0.00, 'new in {a.region}', NOW(6));"
        next_id += 1
    else:
        i = inserted.pop(rnd.randrange(len(inserted)))
        owned.remove(i)
        sql = f"DELETE FROM shop.account WHERE id = {i};"
    print(sql, flush=True)
    count += 1
    with open(a.count_file + ".tmp", "w") as f:  # replaced whole, so a reader never sees it half written
        f.write(str(count))
    os.replace(a.count_file + ".tmp", a.count_file)
    pause = start + count / a.rate - time.monotonic()
    if pause > 0:
        time.sleep(pause)
