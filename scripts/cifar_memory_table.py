"""Per-stage memory of two `bm dbm-cifar` runs (scripts/cifar-memory.sh) as one Markdown table:
peak RSS (VmHWM), peak anonymous memory and peak mapped-file pages of each stage, their slopes per
augmented training row and their figures extrapolated linearly to 490,000 rows.

    python3 scripts/cifar_memory_table.py LOG_SMALL ROWS_SMALL LOG_LARGE ROWS_LARGE
"""
import re, sys
GIB = 1024.0
def stages(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        m = re.search(r"memory: (.+?): peak RSS (\d+) MiB", line)
        if m:
            out.setdefault(m.group(1), {})["rss"] = float(m.group(2))
        m = re.search(r"memory: (.+?): peak anonymous (\d+) MiB.*peak mapped files (\d+) MiB", line)
        if m:
            out.setdefault(m.group(1), {}).update(anon=float(m.group(2)), file=float(m.group(3)))
    return out
a, ra, b, rb = stages(sys.argv[1]), int(sys.argv[2]), stages(sys.argv[3]), int(sys.argv[4])
R = 490000
print(f"| stage | peak RSS {ra:,} / {rb:,} rows (MiB) | per row | at {R:,} rows | peak anonymous (MiB) | per row | at {R:,} rows | peak mapped files (MiB) | at {R:,} rows |")
print("|---|---|---|---|---|---|---|---|---|")
top = {}
for st in a:
    if st not in b:
        continue
    cells = [st]
    for k in ("rss", "anon", "file"):
        x, y = a[st].get(k), b[st].get(k)
        if x is None or y is None:
            cells += ["–"] * (3 if k != "file" else 2)
            continue
        slope = (y - x) / (rb - ra)  # MiB a row
        at = y + slope * (R - rb)
        top[k] = max(top.get(k, 0), at)
        if k == "file":
            cells += [f"{x:,.0f} / {y:,.0f}", f"{at / GIB:.1f} GiB"]
        else:
            cells += [f"{x:,.0f} / {y:,.0f}", f"{slope * 1024:.1f} KiB", f"{at / GIB:.1f} GiB"]
    print("| " + " | ".join(cells) + " |")
print()
print(f"extrapolated peak at {R:,} rows: RSS {top.get('rss', 0) / GIB:.1f} GiB, anonymous {top.get('anon', 0) / GIB:.1f} GiB")
