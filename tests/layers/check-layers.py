#!/usr/bin/env python3
# check-layers.py: the library's files keep to the layer table of
# docs/internals.md.
#
# Copyright 2026 The glib-coro authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check-layers.py SOURCE_ROOT [BUILD_ROOT]
#        check-layers.py --self-test
#
# A concept is a file name without its extension and without a trailing
# "-private" or "-inline": gcoro-task.c, gcoro-task.h and
# gcoro-task-private.h are the concept gcoro-task. The layer table (between
# the "layers:begin" and "layers:end" markers of docs/internals.md, bottom
# to top) puts every concept of glib-coro/ in one layer. This checks:
#
# - every file of glib-coro/ belongs to a concept of the table, and every
#   concept of the table has a file (in the sources, or generated in the
#   build tree);
# - an #include "..." goes to a concept of the same layer or of a layer
#   below, never above;
# - a function declared by one concept and defined by another (gcoro-future.h
#   declares gcoro_future_wait_async(), gcoro-await.c defines it) is a
#   dependency the includes do not show: each file that calls it depends on
#   the defining concept, under the same rule;
# - no two concepts need each other, through any chain of includes and such
#   calls, within a layer or across;
# - glib-coro/meson.build lists the sources of each layer in its own
#   `layer_<name> = files(...)` (dashes become underscores), and no other.

import os
import re
import sys
import tempfile

BEGIN = '<!-- layers:begin -->'
END = '<!-- layers:end -->'

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
# GNU style: a definition's name starts its line, its return type is above.
DEFINITION = re.compile(r'^(_?gcoro_\w+)\s*\(', re.M)
INLINE_BODY = re.compile(r'^static inline[^;{]*?\{.*?^\}', re.M | re.S)
DECLARATION = re.compile(r'\b(_?gcoro_\w+)\s*\(')


def concept_of(filename):
    name = os.path.basename(filename)
    name = re.sub(r'\.(c|h)$', '', name)
    return re.sub(r'-(private|inline)$', '', name)


def parse_table(text):
    """[(layer, [concept, ...]), ...] from the markdown table between the markers."""
    if BEGIN not in text or END not in text:
        raise ValueError('no layer table between %s and %s' % (BEGIN, END))
    body = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
    layers = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 2 or not cells[0] or set(cells[0]) <= set('-: '):
            continue
        name = cells[0].strip('`* ')
        if name.lower() == 'layer':
            continue
        concepts = re.findall(r'`([^`]+)`', cells[1])
        layers.append((name, concepts))
    if not layers:
        raise ValueError('the layer table is empty')
    return layers


def parse_meson(text):
    """{list name: [source basenames]} for every `layer_x = files(...)` and `layer_x += files(...)`."""
    lists = {}
    for m in re.finditer(r'^(layer_\w+)\s*\+?=\s*files\((.*?)\)', text, re.M | re.S):
        names = re.findall(r"'([^']+)'", m.group(2))
        lists.setdefault(m.group(1), []).extend(n for n in names if n.endswith('.c'))
    return lists


def check(files, table, meson_text, generated=()):
    """files: {name: text} of glib-coro/. Returns (problems, graph, rank)."""
    problems = []
    rank = {}
    layer_of = {}
    for i, (layer, concepts) in enumerate(table):
        for c in concepts:
            if c in rank:
                problems.append('%s is in two layers: %s and %s' % (c, layer_of[c], layer))
            rank[c] = i
            layer_of[c] = layer

    present = {concept_of(f) for f in files} | set(generated)
    for f in sorted(files):
        if concept_of(f) not in rank:
            problems.append('%s: its concept %s is not in the layer table of docs/internals.md'
                            % (f, concept_of(f)))
    for c in sorted(rank):
        if c not in present:
            problems.append('the layer table lists %s, which has no file' % c)

    graph = {c: {} for c in rank}   # concept -> {concept: why}

    def depend(src_file, target, why):
        a = concept_of(src_file)
        if a == target or a not in rank:
            return
        if target not in rank:
            problems.append('%s: %s, which is not in the layer table' % (src_file, why))
            return
        if rank[target] > rank[a]:
            problems.append('%s (layer %s): %s, of the higher layer %s'
                            % (src_file, layer_of[a], why, layer_of[target]))
        graph[a].setdefault(target, '%s: %s' % (src_file, why))

    for f, text in sorted(files.items()):
        for inc in INCLUDE.findall(text):
            depend(f, concept_of(inc), '#include "%s"' % inc)

    # Functions declared by one concept, defined by another.
    declared = {}
    defined = {}
    for f, text in files.items():
        code = COMMENT.sub('', text)
        if f.endswith('.h'):
            for name in DECLARATION.findall(INLINE_BODY.sub('', code)):
                declared.setdefault(name, set()).add(concept_of(f))
        else:
            for name in DEFINITION.findall(code):
                defined.setdefault(name, set()).add(concept_of(f))
    elsewhere = {}
    for name, definers in defined.items():
        if name in declared and not (declared[name] & definers):
            elsewhere[name] = sorted(definers)[0]
    if elsewhere:
        call = re.compile(r'\b(%s)\s*\(' % '|'.join(sorted(elsewhere, key=len, reverse=True)))
        for f, text in sorted(files.items()):
            if not f.endswith('.c'):
                continue
            for name in sorted(set(call.findall(COMMENT.sub('', text)))):
                depend(f, elsewhere[name], 'calls %s() (defined in %s)' % (name, elsewhere[name]))

    # Cycles: Tarjan's strongly connected components.
    index = {}
    low = {}
    stack = []
    on_stack = set()
    counter = [0]
    cycles = []

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    for component in cycles:
        inside = set(component)
        edges = ['    %s -> %s (%s)' % (a, b, graph[a][b])
                 for a in component for b in sorted(graph[a]) if b in inside]
        problems.append('a circle among %s:\n%s' % (', '.join(component), '\n'.join(edges)))

    # The per-layer source lists of meson.build.
    lists = parse_meson(meson_text)
    sources = {f for f in files if f.endswith('.c')}
    listed = set()
    for layer, concepts in table:
        var = 'layer_' + layer.replace('-', '_')
        want = sorted(f for f in sources if concept_of(f) in concepts)
        have = sorted(lists.get(var, []))
        listed |= set(have)
        if want and var not in lists:
            problems.append('glib-coro/meson.build has no %s list for %s' % (var, ', '.join(want)))
        elif want != have:
            problems.append('glib-coro/meson.build: %s lists %s; the table puts %s there'
                            % (var, ', '.join(have) or 'nothing', ', '.join(want) or 'nothing'))
    for var in sorted(set(lists) - {'layer_' + l.replace('-', '_') for l, _ in table}):
        problems.append('glib-coro/meson.build: %s is no layer of the table' % var)

    return problems, graph, rank


def read_tree(root, build=None):
    src = os.path.join(root, 'glib-coro')
    files = {}
    for name in sorted(os.listdir(src)):
        if name.endswith(('.c', '.h')):
            with open(os.path.join(src, name), encoding='utf-8') as fp:
                files[name] = fp.read()
    generated = set()
    if build is not None and os.path.isdir(os.path.join(build, 'glib-coro')):
        generated = {concept_of(n) for n in os.listdir(os.path.join(build, 'glib-coro'))
                     if n.endswith('.h')}
    with open(os.path.join(root, 'docs', 'internals.md'), encoding='utf-8') as fp:
        table = parse_table(fp.read())
    with open(os.path.join(src, 'meson.build'), encoding='utf-8') as fp:
        meson_text = fp.read()
    return files, table, meson_text, generated


def self_test():
    """The checker finds what it is meant to find, on a small made-up tree."""
    table_text = '\n'.join([
        BEGIN,
        '| layer | concepts |',
        '|---|---|',
        '| low | `gcoro-a` |',
        '| mid | `gcoro-b`, `gcoro-c` |',
        '| high | `gcoro-d` |',
        END])
    table = parse_table(table_text)
    assert [l for l, _ in table] == ['low', 'mid', 'high'], table
    meson_text = ("layer_low = files('gcoro-a.c')\nlayer_mid = files('gcoro-b.c', 'gcoro-c.c')\n"
                  "layer_high = files('gcoro-d.c')\n")
    good = {
        'gcoro-a.h': 'void gcoro_a (void);\n',
        'gcoro-a.c': '#include "gcoro-a.h"\nvoid\ngcoro_a (void)\n{\n}\n',
        'gcoro-b-private.h': '#include "gcoro-a.h"\nvoid _gcoro_b_run (void);\n',
        'gcoro-b.c': '#include "gcoro-b-private.h"\nvoid\n_gcoro_b_run (void)\n{\n  gcoro_a ();\n}\n',
        'gcoro-c.c': '#include "gcoro-b-private.h"\n',
        'gcoro-d.c': '#include "gcoro-c.h"\n#include "gcoro-a.h"\n',
        'gcoro-c.h': '/* gcoro_d_helper (): a comment, not a call */\n',
    }
    problems, _, _ = check(good, table, meson_text)
    assert problems == [], problems

    def expect(files, needle, meson=meson_text):
        found, _, _ = check(files, table, meson)
        assert any(needle in p for p in found), (needle, found)

    # An include upwards.
    expect(dict(good, **{'gcoro-a.c': '#include "gcoro-b-private.h"\n'}), 'of the higher layer mid')
    # A circle within a layer.
    expect(dict(good, **{'gcoro-b.c': '#include "gcoro-c.h"\n'}), 'a circle among gcoro-b, gcoro-c')
    # A call the includes do not show: declared low, defined high, called low.
    expect(dict(good, **{'gcoro-a.h': 'void gcoro_a (void);\nvoid gcoro_a_hook (void);\n',
                         'gcoro-d.c': '#include "gcoro-a.h"\nvoid\ngcoro_a_hook (void)\n{\n}\n',
                         'gcoro-b.c': '#include "gcoro-a.h"\nstatic void f (void) { gcoro_a_hook (); }\n'}),
           'calls gcoro_a_hook() (defined in gcoro-d), of the higher layer high')
    # A file outside the table, a table entry without a file.
    expect(dict(good, **{'gcoro-e.c': ''}), 'gcoro-e is not in the layer table')
    expect({k: v for k, v in good.items() if k != 'gcoro-d.c'}, 'lists gcoro-d, which has no file')
    # meson.build out of step.
    expect(good, "layer_mid lists gcoro-b.c; the table puts gcoro-b.c, gcoro-c.c there",
           meson_text.replace(", 'gcoro-c.c'", ''))
    print('self-test: ok')


def main(argv):
    if argv[1:] == ['--self-test']:
        self_test()
        return 0
    if len(argv) not in (2, 3):
        print(__doc__ or 'usage: check-layers.py SOURCE_ROOT [BUILD_ROOT]', file=sys.stderr)
        return 2
    files, table, meson_text, generated = read_tree(argv[1], argv[2] if len(argv) == 3 else None)
    problems, graph, rank = check(files, table, meson_text, generated)
    for p in problems:
        print('FAIL: ' + p)
    if problems:
        print('%d problem(s); the layer table is in docs/internals.md' % len(problems))
        return 1
    edges = sum(len(v) for v in graph.values())
    print('ok: %d files, %d concepts in %d layers, %d dependencies, no circle, none upwards'
          % (len(files), len(rank), len(table), edges))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
