#!/usr/bin/python3
"""Compare a freshly generated golden JSON with the committed one, number by number.

Usage:
    /usr/bin/python3 test/golden/compare_golden.py COMMITTED.json FRESH.json [--tol 1e-12]

Why: the golden generators are re-run when their code changes (a rewrite, a new
library version). The committed values are what the TypeScript tests check, so a
re-run must reproduce them; this script says whether it does, without anyone
having to eyeball a 400 kB file.

Both files are walked in parallel. Objects must have the same keys, arrays the
same length, strings / booleans / nulls must be equal. Two numbers agree when
|a − b| ≤ tol or |a − b| ≤ tol·max(|a|, |b|). Keys listed in METADATA_KEYS
(library versions) are reported but do not fail the comparison.

Prints the largest absolute and relative difference, the path where each
occurs, every mismatch (up to 20), and exits 1 when anything disagrees.
"""
import argparse
import json
import math
import sys

# Top-level fields that describe the environment, not the values under test.
METADATA_KEYS = {'versions'}


class Report:
    def __init__(self, tol):
        self.tol = tol
        self.numbers = 0
        self.max_abs = (0.0, None)
        self.max_rel = (0.0, None)
        self.mismatches = []
        self.metadata_notes = []

    def number(self, path, a, b):
        self.numbers += 1
        if math.isnan(a) or math.isnan(b):
            if not (math.isnan(a) and math.isnan(b)):
                self.mismatches.append(f'{path}: {a!r} vs {b!r}')
            return
        if math.isinf(a) or math.isinf(b):
            if a != b:
                self.mismatches.append(f'{path}: {a!r} vs {b!r}')
            return
        diff = abs(a - b)
        scale = max(abs(a), abs(b))
        rel = diff / scale if scale > 0 else 0.0
        if diff > self.max_abs[0]:
            self.max_abs = (diff, path)
        if rel > self.max_rel[0]:
            self.max_rel = (rel, path)
        if diff > self.tol and rel > self.tol:
            self.mismatches.append(f'{path}: {a!r} vs {b!r} (abs {diff:.3g}, rel {rel:.3g})')


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def walk(report, path, a, b):
    if is_number(a) and is_number(b):
        report.number(path, float(a), float(b))
    elif isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            report.mismatches.append(f'{path}: keys differ: only committed {sorted(set(a) - set(b))}, '
                                     f'only fresh {sorted(set(b) - set(a))}')
        for key in sorted(set(a) & set(b)):
            walk(report, f'{path}.{key}', a[key], b[key])
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            report.mismatches.append(f'{path}: length {len(a)} vs {len(b)}')
        for i, (x, y) in enumerate(zip(a, b)):
            walk(report, f'{path}[{i}]', x, y)
    elif a != b:
        report.mismatches.append(f'{path}: {a!r} vs {b!r}')


def compare(committed, fresh, tol):
    report = Report(tol)
    for key in sorted(set(committed) | set(fresh)):
        if key in METADATA_KEYS:
            if committed.get(key) != fresh.get(key):
                report.metadata_notes.append(f'{key}: {committed.get(key)!r} vs {fresh.get(key)!r}')
            continue
        if key not in committed or key not in fresh:
            report.mismatches.append(f'${key}: present in only one file')
            continue
        walk(report, f'${key}', committed[key], fresh[key])
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('committed')
    parser.add_argument('fresh')
    parser.add_argument('--tol', type=float, default=1e-12)
    args = parser.parse_args()
    with open(args.committed) as fh:
        committed = json.load(fh)
    with open(args.fresh) as fh:
        fresh = json.load(fh)
    report = compare(committed, fresh, args.tol)
    print(f'{args.committed} vs {args.fresh}: {report.numbers} numbers compared')
    print(f'  max abs difference {report.max_abs[0]:.3g}' + (f' at {report.max_abs[1]}' if report.max_abs[1] else ''))
    print(f'  max rel difference {report.max_rel[0]:.3g}' + (f' at {report.max_rel[1]}' if report.max_rel[1] else ''))
    for note in report.metadata_notes:
        print(f'  metadata differs (not compared): {note}')
    for line in report.mismatches[:20]:
        print(f'  MISMATCH {line}')
    if len(report.mismatches) > 20:
        print(f'  ... and {len(report.mismatches) - 20} more')
    print('  OK' if not report.mismatches else f'  FAILED: {len(report.mismatches)} mismatches (tol {args.tol:g})')
    sys.exit(1 if report.mismatches else 0)


if __name__ == '__main__':
    main()
