#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The generated reference covers the library and its links lead somewhere.

Usage: check-reference.py LIBRARY HTMLDIR GIR [GIRDIR ...]

1. Every function the shared library exports (nm -D --defined-only, names
   starting with gcoro_) has its page in HTMLDIR: the func., method., ctor.
   or type_func. page whose C declaration declares it, or for a
   *_get_type function the class., iface., struct., enum., error. or flags.
   page of the type the GIR registers it for.
2. Every relative href/src of every page names a file of HTMLDIR (and,
   with a #fragment, an id of that file).
3. Every link into another namespace (gi-docgen writes them as
   data-namespace/data-link, resolved in the browser through urlmap.js)
   names a namespace that urlmap.js maps, and a page that the namespace's
   GIR (searched in GIRDIRs) has.
Prints each problem and exits 1 if there is any.
"""

import html
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
C = '{http://www.gtk.org/introspection/c/1.0}'
GLIBNS = '{http://www.gtk.org/introspection/glib/1.0}'

TYPE_PAGES = {'class': 'class', 'interface': 'iface', 'record': 'struct',
              'union': 'struct', 'enumeration': 'enum', 'bitfield': 'flags',
              'callback': 'callback', 'alias': 'alias'}
FUNCTION_PAGES = ('func.', 'method.', 'ctor.', 'type_func.')

DECL_RE = re.compile(r'id="declaration".*?<pre><code>(.*?)</code></pre>', re.S)
CALL_RE = re.compile(r'\b([A-Za-z_]\w*)\s*\(')
HREF_RE = re.compile(r'\b(?:href|src)="([^"]*)"')
ID_RE = re.compile(r'\bid="([^"]*)"')
EXTERNAL_RE = re.compile(r'<a\b[^>]*\bdata-namespace="[^>]*>')
NAMESPACE_RE = re.compile(r'\bdata-namespace="([^"]*)"')
LINK_RE = re.compile(r'\bdata-link="([^"]*)"')


def exported_functions(library):
    out = subprocess.run(['nm', '-D', '--defined-only', library], check=True,
                         capture_output=True, text=True).stdout
    symbols = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2].startswith('gcoro_'):
            symbols.add(fields[2])
    return symbols


def tag(el):
    return el.tag[len(CORE):] if el.tag.startswith(CORE) else None


def gir_namespace(path):
    return ET.parse(path).getroot().find(CORE + 'namespace')


def type_page(el):
    kind = TYPE_PAGES[tag(el)]
    if kind == 'enum' and el.get(GLIBNS + 'error-domain'):
        kind = 'error'
    return f'{kind}.{el.get("name")}.html'


def gir_pages(ns):
    """The page names gi-docgen gives a namespace's symbols."""
    pages = set()
    for el in ns:
        t = tag(el)
        if t in ('function', 'function-macro'):
            pages.add(f'func.{el.get("name")}.html')
        elif t == 'constant':
            pages.add(f'const.{el.get("name")}.html')
        elif t in TYPE_PAGES and not el.get(GLIBNS + 'is-gtype-struct-for'):
            name = el.get('name')
            pages.add(type_page(el))
            for child in el:
                ct = tag(child)
                sub = {'method': 'method', 'constructor': 'ctor', 'function': 'type_func',
                       'property': 'property', 'virtual-method': 'vfunc'}.get(ct)
                if child.tag == GLIBNS + 'signal':
                    sub = 'signal'
                if sub:
                    pages.add(f'{sub}.{name}.{child.get("name")}.html')
    return pages


def get_type_pages(ns):
    """*_get_type function -> the page of the type it registers."""
    pages = {}
    for el in ns:
        get_type = el.get(GLIBNS + 'get-type')
        if get_type and tag(el) in TYPE_PAGES:
            if el.get(GLIBNS + 'is-gtype-struct-for'):
                continue
            pages[get_type] = type_page(el)
    return pages


def declared_functions(htmldir, names):
    """C identifier -> the function page that declares it."""
    declared = {}
    for name in names:
        if not name.startswith(FUNCTION_PAGES):
            continue
        with open(os.path.join(htmldir, name), encoding='utf-8') as f:
            m = DECL_RE.search(f.read())
        if not m:
            continue
        decl = html.unescape(re.sub(r'<[^>]+>', '', m.group(1)))
        call = CALL_RE.search(decl)
        if call:
            declared.setdefault(call.group(1), name)
    return declared


def url_map(htmldir):
    path = os.path.join(htmldir, 'urlmap.js')
    if not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as f:
        return dict(re.findall(r"\[\s*'([^']+)'\s*,\s*'([^']+)'\s*\]", f.read()))


def find_gir(namespace, gir_dirs):
    for d in gir_dirs:
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.startswith(namespace + '-') and name.endswith('.gir'):
                return os.path.join(d, name)
    return None


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    library, htmldir, gir = argv[1:4]
    gir_dirs = argv[4:] + ['/usr/share/gir-1.0']
    problems = []

    names = sorted(n for n in os.listdir(htmldir) if n.endswith('.html'))
    existing = set(os.listdir(htmldir))
    ns = gir_namespace(gir)

    # 1. a page per exported function
    symbols = exported_functions(library)
    declared = declared_functions(htmldir, names)
    type_pages = get_type_pages(ns)
    for symbol in sorted(symbols):
        if symbol in declared:
            continue
        page = type_pages.get(symbol)
        if page is not None and page in existing:
            continue
        problems.append(f'{symbol}: exported, but no reference page'
                        + (f' ({page} missing)' if page else ''))

    # 2. relative links
    ids = {}
    texts = {}
    for name in names:
        with open(os.path.join(htmldir, name), encoding='utf-8') as f:
            texts[name] = f.read()
        ids[name] = set(ID_RE.findall(texts[name]))
    n_links = 0
    for name, text in texts.items():
        for url in HREF_RE.findall(text):
            url = html.unescape(url)
            if re.match(r'^[a-z]+:', url) or url == '':
                continue
            n_links += 1
            path, _, fragment = url.partition('#')
            path = path.split('?')[0]
            target = os.path.normpath(os.path.join(os.path.dirname(name), path)) if path else name
            if not os.path.exists(os.path.join(htmldir, target)):
                problems.append(f'{name}: link to missing {url}')
            elif fragment and target in ids and fragment not in ids[target]:
                problems.append(f'{name}: link to missing anchor {url}')

    # 3. links into other namespaces
    urls = url_map(htmldir)
    foreign_pages = {}
    n_external = 0
    for name, text in texts.items():
        for a in EXTERNAL_RE.findall(text):
            n_external += 1
            namespace = NAMESPACE_RE.search(a).group(1)
            link = LINK_RE.search(a)
            link = link.group(1).partition('#')[0] if link else ''
            if namespace not in urls:
                problems.append(f'{name}: link into {namespace}, which urlmap.js does not map')
                continue
            if namespace not in foreign_pages:
                path = find_gir(namespace, gir_dirs)
                foreign_pages[namespace] = gir_pages(gir_namespace(path)) if path else None
                if path is None:
                    problems.append(f'no GIR for namespace {namespace} in {gir_dirs}')
            pages = foreign_pages[namespace]
            if pages is not None and link not in pages:
                problems.append(f'{name}: link to {namespace} {link}, which {namespace} does not have')

    for p in problems:
        print(p)
    print(f'{len(symbols)} exported functions, {len(names)} pages, {n_links} links '
          f'inside the reference, {n_external} into other namespaces: '
          f'{len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
