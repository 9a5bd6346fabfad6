#!/usr/bin/env python3
"""Convert gtk-doc references in glib-coro's documentation into gi-docgen links.

Usage:  docs-convert.py [--check] [--gir FILE ...] [REPO]   (REPO defaults to .)

What it rewrites, and where:
  - every /** ... */ comment in REPO/glib-coro/*.c and *.h;
  - the gi-docgen content pages of REPO/docs (the content_files of GCoro.toml.in).
Outside code (|[ ]| blocks, ``` fences and `code spans`) it converts

  #GCoroFuture                 -> [class@GCoro.Future]      (iface, struct, enum, error,
                                                              flags, callback, alias alike)
  #GCoroScheduler:frame-budget -> [property@GCoro.Scheduler:frame-budget]
  #GCoroStreamServer::incoming -> [signal@GCoro.StreamServer::incoming]
  #GCoroAwaitableInterface.get_future -> [vfunc@GCoro.Awaitable.get_future]
  gcoro_spawn()                -> [func@GCoro.spawn]         (method@, ctor@, func@Type.x)
  %GCORO_LOOP_BRIDGE_KEEP      -> [const@GCoro.LOOP_BRIDGE_KEEP]
  %GCORO_ERROR_CLOSED          -> [GCORO_ERROR_CLOSED][error@GCoro.Error]  (enum members
                                   link to their enumeration under their own name)
  %G_IO_ERROR                  -> [error@Gio.IOErrorEnum]    (an error domain's macro)

and a code span that holds nothing but such a symbol (`gcoro_spawn()`, `GCoroFuture`).
GLib, GObject and Gio names resolve the same way into their namespaces.
%TRUE, %FALSE, %NULL and @param stay: gi-docgen renders them as code.

Every decision comes from the GIR files (the built GCoro-1.0.gir and the system's
GLib/GObject/Gio-2.0.gir): a name that none of them knows is left as it is and
printed as unresolved (file:line), for a human to fix the text.

The conversion is idempotent: a second run finds nothing to do. --check changes
nothing and exits 1 when something would be converted or is unresolved.
"""

import argparse
import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
C = '{http://www.gtk.org/introspection/c/1.0}'
GLIBNS = '{http://www.gtk.org/introspection/glib/1.0}'

SYSTEM_GIRS = ['GLib-2.0.gir', 'GObject-2.0.gir', 'Gio-2.0.gir']
GIR_DIRS = ['/usr/share/gir-1.0', '/usr/local/share/gir-1.0']

KEEP_CONSTANTS = {'TRUE', 'FALSE', 'NULL'}


class Gir:
    """The names of one or more GIR files, by C name."""

    def __init__(self):
        self.types = {}        # c type -> (fragment, 'NS.Name')
        self.gtype_structs = {}  # c type of a class/iface struct -> c type of its owner
        self.props = collections.defaultdict(set)    # c type -> property names
        self.signals = collections.defaultdict(set)  # c type -> signal names
        self.vfuncs = collections.defaultdict(set)   # c type -> virtual method names
        self.funcs = {}        # c identifier -> link target 'fragment@NS.path'
        self.consts = {}       # c identifier -> link target
        self.members = {}      # enum member c identifier -> link target of its enum
        self.domains = {}      # error-domain macro (G_IO_ERROR) -> link target

    def load(self, path):
        root = ET.parse(path).getroot()
        ns_el = root.find(CORE + 'namespace')
        ns = ns_el.get('name')
        kinds = {'class': 'class', 'interface': 'iface', 'record': 'struct',
                 'union': 'struct', 'enumeration': 'enum', 'bitfield': 'flags',
                 'callback': 'callback', 'alias': 'alias'}
        for el in ns_el:
            tag = el.tag[len(CORE):] if el.tag.startswith(CORE) else None
            if tag in ('function', 'function-macro'):
                self._func(el, f'func@{ns}.')
            elif tag == 'constant':
                ctype = el.get(C + 'type')
                if ctype:
                    self.consts[ctype] = f'const@{ns}.{el.get("name")}'
            elif tag in kinds:
                self._type(el, tag, kinds[tag], ns)

    def _func(self, el, prefix):
        ident = el.get(C + 'identifier')
        if ident and ident not in self.funcs:
            self.funcs[ident] = prefix + el.get('name')

    def _type(self, el, tag, fragment, ns):
        ctype = el.get(C + 'type') or el.get(GLIBNS + 'type-name')
        name = el.get('name')
        if not ctype or not name:
            return
        if tag == 'enumeration' and el.get(GLIBNS + 'error-domain'):
            fragment = 'error'
        full = f'{ns}.{name}'
        owner = el.get(GLIBNS + 'is-gtype-struct-for')
        if owner:
            # Class and interface structs have no page of their own: their
            # vfuncs are documented on the owner's page.
            self.gtype_structs[ctype] = f'{ns}.{owner}'
            return
        self.types[ctype] = (fragment, full)
        for child in el:
            ctag = child.tag[len(CORE):] if child.tag.startswith(CORE) else None
            if ctag == 'method':
                self._func(child, f'method@{full}.')
            elif ctag == 'constructor':
                self._func(child, f'ctor@{full}.')
            elif ctag == 'function':
                self._func(child, f'func@{full}.')
            elif ctag == 'property':
                self.props[ctype].add(child.get('name'))
            elif ctag == 'virtual-method':
                self.vfuncs[ctype].add(child.get('name'))
            elif ctag == 'member':
                ident = child.get(C + 'identifier')
                if ident:
                    self.members[ident] = f'{fragment}@{full}'
            if child.tag == GLIBNS + 'signal':
                self.signals[ctype].add(child.get('name'))
        if fragment == 'error':
            idents = [m.get(C + 'identifier') for m in el.findall(CORE + 'member')]
            prefix = os.path.commonprefix([i for i in idents if i])
            if prefix.endswith('_'):
                self.domains[prefix[:-1]] = f'error@{full}'

    def owner_ctype(self, full):
        for ctype, (_, f) in self.types.items():
            if f == full:
                return ctype
        return None


TYPE_RE = re.compile(r'(?<![\w&#])#([A-Z][A-Za-z0-9_]*)'
                     r'(?:(::?)([a-z][a-z0-9_-]*[a-z0-9])|\.([a-z_][a-z0-9_]*))?')
FUNC_RE = re.compile(r'(?<![\w.>:$@\[-])([A-Za-z_][A-Za-z0-9_]*)\(\)')
CONST_RE = re.compile(r'(?<![\w%])%([A-Z][A-Z0-9_]*)\b')
SPAN_RE = re.compile(r'^(?:#?([A-Z][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)\(\))$')
LINKLIKE_PREFIXES = ('gcoro_', 'GCORO_', 'GCoro', 'g_', 'G_', 'G')


class Converter:
    def __init__(self, gir):
        self.gir = gir
        self.counts = collections.Counter()
        self.unresolved = []   # (where, text, why)
        self.where = ''

    def note(self, text, why):
        self.unresolved.append((self.where, text, why))

    # -- one reference each --------------------------------------------------

    def type_ref(self, m):
        cname, sep, sub, member = m.group(1), m.group(2), m.group(3), m.group(4)
        gir = self.gir
        suffix = ''
        if cname not in gir.types and cname not in gir.gtype_structs \
                and cname.endswith('s') and cname[:-1] in gir.types and not sep:
            cname, suffix = cname[:-1], 's'     # "#GValues"
        if member is not None:
            owner = gir.gtype_structs.get(cname)
            octype = owner and gir.owner_ctype(owner)
            if octype and member in gir.vfuncs[octype]:
                return self.done('vfunc', f'[vfunc@{owner}.{member}]')
            if cname in gir.types:
                # "#GCoroFoo." ending a sentence: keep the dot as text.
                return self.type_ref_plain(cname) + '.' + member
            self.note(m.group(0), 'no such type or vfunc')
            return m.group(0)
        if cname in gir.gtype_structs and not sep:
            owner = gir.gtype_structs[cname]
            octype = gir.owner_ctype(owner)
            if octype:
                return self.done(gir.types[octype][0], f'[{gir.types[octype][0]}@{owner}]')
        if cname not in gir.types:
            self.note(m.group(0), 'no such type in the GIRs')
            return m.group(0)
        fragment, full = gir.types[cname]
        if sep == ':':
            if sub in gir.props[cname]:
                return self.done('property', f'[property@{full}:{sub}]')
            self.note(m.group(0), f'{full} has no property "{sub}"')
            return m.group(0)
        if sep == '::':
            if sub in gir.signals[cname]:
                return self.done('signal', f'[signal@{full}::{sub}]')
            self.note(m.group(0), f'{full} has no signal "{sub}"')
            return m.group(0)
        return self.type_ref_plain(cname) + suffix

    def type_ref_plain(self, cname):
        fragment, full = self.gir.types[cname]
        return self.done(fragment, f'[{fragment}@{full}]')

    def func_ref(self, m):
        ident = m.group(1)
        target = self.gir.funcs.get(ident)
        if target:
            return self.done(target.split('@')[0], f'[{target}]')
        if ident.startswith(LINKLIKE_PREFIXES):
            self.note(m.group(0), 'no such function in the GIRs')
        return m.group(0)

    def const_ref(self, m):
        ident = m.group(1)
        gir = self.gir
        if ident in KEEP_CONSTANTS:
            return m.group(0)
        if ident in gir.consts:
            return self.done('const', f'[{gir.consts[ident]}]')
        if ident in gir.members:
            return self.done('member', f'[{ident}][{gir.members[ident]}]')
        if ident in gir.domains:
            return self.done('error', f'[{gir.domains[ident]}]')
        self.note(m.group(0), 'no such constant or enum member in the GIRs')
        return m.group(0)

    def span_ref(self, text):
        """A code span that is exactly one symbol becomes its link."""
        m = SPAN_RE.match(text)
        if not m:
            return None
        gir = self.gir
        if m.group(1):
            name = m.group(1)
            if name in gir.types:
                return self.type_ref_plain(name)
            if name in gir.consts:
                return self.done('const', f'[{gir.consts[name]}]')
            if name in gir.members:
                return self.done('member', f'[{name}][{gir.members[name]}]')
            if name in gir.domains:
                return self.done('error', f'[{gir.domains[name]}]')
            return None
        target = gir.funcs.get(m.group(2))
        if target:
            return self.done(target.split('@')[0], f'[{target}]')
        return None

    def done(self, kind, link):
        self.counts[kind] += 1
        return link

    # -- text ----------------------------------------------------------------

    def prose(self, text):
        text = TYPE_RE.sub(self.type_ref, text)
        text = FUNC_RE.sub(self.func_ref, text)
        text = CONST_RE.sub(self.const_ref, text)
        return text

    def line(self, text, in_span):
        """Convert one line; in_span says whether a code span is open at its start.
        Returns the new line and whether a span is still open at its end."""
        parts = text.split('`')
        out = []
        for i, part in enumerate(parts):
            inside = in_span if i % 2 == 0 else not in_span
            if not inside:
                out.append(('', self.prose(part)))
                continue
            closed = i + 1 < len(parts)
            link = self.span_ref(part) if closed else None
            if link is not None:
                out.append(('drop', link))
            else:
                out.append(('code', part))
        # Reassemble: a converted span loses both of its backticks.
        res = ''
        for i, (kind, part) in enumerate(out):
            if i > 0 and kind != 'drop' and out[i - 1][0] != 'drop':
                res += '`'
            res += part
        open_at_end = in_span if len(parts) % 2 == 1 else not in_span
        return res, open_at_end

    def lines(self, lines, prefix_re):
        """Convert a sequence of documentation lines (comment or Markdown)."""
        out = []
        in_block = None     # '|[' or '```' while inside a code block
        in_span = False
        for where, raw in lines:
            self.where = where
            m = prefix_re.match(raw)
            prefix, body = raw[:m.end()], raw[m.end():]
            stripped = body.strip()
            if in_block:
                if (in_block == '|[' and stripped.startswith(']|')) or \
                   (in_block == '```' and stripped.startswith('```')):
                    in_block = None
                out.append(raw)
                continue
            if stripped.startswith('|[') and ']|' not in stripped:
                in_block = '|['
                out.append(raw)
                continue
            if stripped.startswith('```'):
                in_block = '```'
                out.append(raw)
                continue
            if stripped == '':
                in_span = False
                out.append(raw)
                continue
            new, in_span = self.line(body, in_span)
            out.append(prefix + new)
        return out


COMMENT_RE = re.compile(r'/\*\*(?![*/]).*?\*/', re.S)
COMMENT_PREFIX_RE = re.compile(r'^(\s*/\*\*<?|\s*\*(?!/)|\s*)')
MD_PREFIX_RE = re.compile(r'^')


def convert_c(conv, path, rel):
    with open(path, encoding='utf-8') as f:
        text = f.read()

    def comment(m):
        start_line = text.count('\n', 0, m.start()) + 1
        body = m.group(0)
        raw = body.split('\n')
        # Keep the closing "*/" out of the converted text.
        last = raw[-1]
        tail = last[last.rfind('*/'):]
        raw[-1] = last[:last.rfind('*/')]
        lines = [(f'{rel}:{start_line + i}', l) for i, l in enumerate(raw)]
        new = conv.lines(lines, COMMENT_PREFIX_RE)
        new[-1] += tail
        return '\n'.join(new)

    new_text = COMMENT_RE.sub(comment, text)
    return text, new_text


def convert_md(conv, path, rel):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    raw = text.split('\n')
    lines = [(f'{rel}:{i + 1}', l) for i, l in enumerate(raw)]
    return text, '\n'.join(conv.lines(lines, MD_PREFIX_RE))


def content_pages(repo):
    toml = os.path.join(repo, 'docs', 'GCoro.toml.in')
    with open(toml, encoding='utf-8') as f:
        m = re.search(r'content_files\s*=\s*\[(.*?)\]', f.read(), re.S)
    return re.findall(r'"([^"]+\.md)"', m.group(1)) if m else []


def find_gir(name, extra_dirs):
    for d in extra_dirs + GIR_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    sys.exit(f'docs-convert: {name} not found in {extra_dirs + GIR_DIRS}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('repo', nargs='?', default='.')
    ap.add_argument('--gir', action='append', default=[],
                    help='GCoro GIR (default REPO/build/introspection/GCoro-1.0.gir)')
    ap.add_argument('--check', action='store_true',
                    help='change nothing; exit 1 if anything would change or is unresolved')
    args = ap.parse_args()
    repo = os.path.abspath(args.repo)

    girs = args.gir or [os.path.join(repo, 'build', 'introspection', 'GCoro-1.0.gir')]
    gir = Gir()
    for path in girs:
        if not os.path.exists(path):
            sys.exit(f'docs-convert: {path} missing: build with introspection first')
        gir.load(path)
    gir_dirs = [os.path.dirname(p) for p in girs]
    for name in SYSTEM_GIRS:
        gir.load(find_gir(name, gir_dirs))

    conv = Converter(gir)
    files = []
    src = os.path.join(repo, 'glib-coro')
    for name in sorted(os.listdir(src)):
        if name.endswith(('.c', '.h')):
            files.append((convert_c, os.path.join(src, name), f'glib-coro/{name}'))
    for name in content_pages(repo):
        files.append((convert_md, os.path.join(repo, 'docs', name), f'docs/{name}'))

    changed = []
    for func, path, rel in files:
        old, new = func(conv, path, rel)
        if new != old:
            changed.append(rel)
            if not args.check:
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(new)

    total = sum(conv.counts.values())
    verb = 'would convert' if args.check else 'converted'
    print(f'docs-convert: {verb} {total} references in {len(changed)} files')
    for kind, n in sorted(conv.counts.items(), key=lambda kv: -kv[1]):
        print(f'  {kind:9} {n}')
    if conv.unresolved:
        print(f'docs-convert: {len(conv.unresolved)} references not resolved (left as they are):')
        for where, text, why in conv.unresolved:
            print(f'  {where}: {text}  ({why})')
    if args.check and (changed or conv.unresolved):
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
