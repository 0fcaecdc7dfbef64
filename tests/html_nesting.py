#!/usr/bin/env python3
"""html_nesting.py FILE: exit 0 when every element of the HTML page FILE is closed, in order.

The report tests (test_report.sh, test_compare_report.sh) run it on pages built from hostile
names: a name that broke out of its escaping would open or close an element the page did not
mean to.  Void elements (meta, br, img, input, link, hr) need no end tag.  Prints the first
mismatches and what is left open when it fails.
"""
import html.parser
import sys


class Nesting(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.bad.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} at {self.getpos()}")
        else:
            self.stack.pop()


def main():
    p = Nesting()
    with open(sys.argv[1], encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    if p.bad or p.stack:
        print(p.bad[:5], p.stack[:5])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
