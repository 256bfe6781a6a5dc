#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# apply.py MUTANTS TREE ID: apply mutant ID to the source tree TREE (exact
# text, which must occur once); "apply.py MUTANTS --list" prints the IDs.
import sys


def mutants(path):
    out, cur, part = [], None, None
    for line in open(path).read().split('\n'):
        if cur is None:
            if line.startswith('@@ '):
                _, mid, f = line.split()
                cur, part = {'id': mid, 'file': f, 'old': [], 'new': []}, 'old'
            continue
        if line == '==>':
            part = 'new'
        elif line == '@@@':
            out.append(cur)
            cur = None
        else:
            cur[part].append(line)
    return out


def main():
    ms = mutants(sys.argv[1])
    if sys.argv[2] == '--list':
        for m in ms:
            print(m['id'])
        return 0
    tree, mid = sys.argv[2], sys.argv[3]
    m = next((m for m in ms if m['id'] == mid), None)
    if not m:
        print('no mutant %s' % mid, file=sys.stderr)
        return 2
    path = tree + '/' + m['file']
    text = open(path).read()
    old = '\n'.join(m['old']) + '\n'
    new = '\n'.join(m['new']) + '\n' if m['new'] else ''
    if text.count(old) != 1:
        print('%s: the text to mutate occurs %d times in %s' % (mid, text.count(old), m['file']),
              file=sys.stderr)
        return 2
    open(path, 'w').write(text.replace(old, new))
    return 0


sys.exit(main())
