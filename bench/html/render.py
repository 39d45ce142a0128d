#!/usr/bin/env python3
"""The Python peer of bench/html: the same shop page built from tag objects.

A small, ordinary tag-object renderer of the kind a Python web framework
ships: every element is an object with a name, an attribute dict and a
list of children; rendering walks the tree and escapes text and attribute
values with the standard library's html.escape (& < > " '), whose entities
the Nitro writer also uses.  The page is the one
bench_html.c renders, byte for byte; --expect FILE checks that.

  render.py [--seconds S] [--expect FILE] [--dump]

Prints "pages_per_sec <n>" and "bytes <n>".
"""
import html
import sys
import time

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


def escape(s):
    return html.escape(str(s), quote=True)


class Raw:
    """Markup that is written as is."""
    __slots__ = ("html",)

    def __init__(self, html):
        self.html = html

    def render(self, out):
        out.append(self.html)


class Tag:
    __slots__ = ("name", "attrs", "children")

    def __init__(self, name, attrs=None, *children):
        self.name = name
        self.attrs = attrs or {}
        self.children = list(children)

    def add(self, *children):
        self.children.extend(children)
        return self

    def render(self, out):
        out.append("<" + self.name)
        for k, v in self.attrs.items():
            if v is True:
                out.append(" " + k)
            elif v is not None and v is not False:
                out.append(' %s="%s"' % (k, escape(v)))
        out.append(">")
        if self.name in VOID:
            return
        for c in self.children:
            if isinstance(c, str):
                out.append(escape(c))
            else:
                c.render(out)
        out.append("</%s>" % self.name)


def products():
    """The rows a handler would have fetched, with text columns as SQLite
    returns them (bench_html.c uses the same data)."""
    out = []
    for i in range(1, 101):
        cents = 999 + i * 37
        out.append({
            "id": str(i),
            "name": "Mug %d & Co" % i,
            "desc": "Tom & Jerry's \"classic\" mug <350 ml> #%d" % i,
            "img": "/img/%d.jpg" % i,
            "price": "$%d.%02d" % (cents // 100, cents % 100),
        })
    return out


NAV = [("Home", "/"), ("Mugs & Cups", "/c/mugs"), ("Plates", "/c/plates"),
       ("Sale <50%>", "/sale"), ("Cart", "/cart")]


def page(items):
    head = Tag("head", None,
               Tag("meta", {"charset": "utf-8"}),
               Tag("title", None, "Shop — Tom & Jerry's <mugs>"))
    body = Tag("body", {"class": "shop"})
    body.add(Tag("header", {"class": "top"},
                 Tag("h1", None, "Tom & Jerry's Pottery")))
    nav = Tag("nav", {"class": "main-nav"})
    for label, href in NAV:
        nav.add(Tag("a", {"href": href, "class": "nav-link"}, label))
    body.add(nav)
    grid = Tag("main", {"class": "grid"})
    for p in items:
        pid = p["id"]
        grid.add(Tag("div", {"class": "card", "id": "p-" + pid},
                     Tag("img", {"src": p["img"], "alt": p["name"]}),
                     Tag("h2", None, p["name"]),
                     Tag("p", None, p["desc"]),
                     Tag("span", {"class": "price"}, p["price"]),
                     Tag("button", {"class": "btn",
                                    "data-on:click": "@post('/cart/add/" + pid + "')"},
                         "Add")))
    body.add(grid)
    body.add(Tag("footer", {"class": "foot"},
                 Tag("p", None, "© 2026 Tom & Jerry's — \"made by hand\"")))
    html = Tag("html", {"lang": "en"}, head, body)
    out = ["<!DOCTYPE html>"]
    html.render(out)
    return "".join(out)


def main(argv):
    seconds = 2.0
    expect = None
    dump = False
    i = 1
    while i < len(argv):
        if argv[i] == "--seconds":
            seconds = float(argv[i + 1])
            i += 2
        elif argv[i] == "--expect":
            expect = argv[i + 1]
            i += 2
        elif argv[i] == "--dump":
            dump = True
            i += 1
        else:
            print("render.py: unknown argument %s" % argv[i], file=sys.stderr)
            return 2
    items = products()
    first = page(items).encode("utf-8")
    if dump:
        sys.stdout.buffer.write(first)
        return 0
    if expect is not None:
        with open(expect, "rb") as f:
            want = f.read()
        if want != first:
            n = next((k for k in range(min(len(want), len(first))) if want[k] != first[k]),
                     min(len(want), len(first)))
            print("render.py: pages differ at byte %d: nitro %r python %r" %
                  (n, want[n:n + 60], first[n:n + 60]), file=sys.stderr)
            return 1
    # Data is fetched per page in a real app; building the tree is part of
    # rendering in a tag-object design, so it is timed.
    n = 0
    t0 = time.process_time()
    deadline = t0 + seconds
    while True:
        page(items).encode("utf-8")
        n += 1
        t = time.process_time()
        if t >= deadline:
            break
    print("pages_per_sec %.1f" % (n / (t - t0)))
    print("bytes %d" % len(first))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
