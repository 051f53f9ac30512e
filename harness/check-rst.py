#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""check-rst.py FILE...: parse each reStructuredText file with docutils.

Prints the problems of each file that has any and exits 1 if one did.
The kernel builds its documentation with Sphinx; the Sphinx directives
and roles our files use are accepted here without being rendered, so
that everything docutils itself reports (titles whose over- and
underlines differ, broken tables and lists, bad indentation, unknown
directives) fails the lint step.
"""

import io
import sys

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles

# Sphinx's, or the kernel's Sphinx extensions'.
SPHINX_DIRECTIVES = ("toctree", "kernel-doc", "code-block", "c:function",
                     "c:type", "c:macro", "c:struct", "only")
SPHINX_ROLES = ("doc", "ref", "c:func", "c:type", "c:macro", "c:struct")


class Accepted(Directive):
    """A Sphinx directive: its content is not checked, only its form."""
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


class AnyOption(dict):
    """Every option name is accepted, with any value."""

    def __missing__(self, key):
        return directives.unchanged


def accepted_role(name, rawtext, text, lineno, inliner, options=None,
                  content=None):
    return [nodes.literal(rawtext, text)], []


def register():
    Accepted.option_spec = AnyOption()
    for name in SPHINX_DIRECTIVES:
        directives.register_directive(name, Accepted)
    for name in SPHINX_ROLES:
        roles.register_local_role(name, accepted_role)


def check(path):
    """The warnings docutils prints for @path, as text ('' if none)."""
    out = io.StringIO()
    with open(path, encoding="utf-8") as f:
        source = f.read()
    publish_doctree(source, source_path=path, settings_overrides={
        "report_level": 2,   # warnings and worse
        "halt_level": 5,     # never stop: list them all
        "warning_stream": out,
        "file_insertion_enabled": False,
        "raw_enabled": False,
    })
    return out.getvalue()


def main():
    register()
    bad = 0
    for path in sys.argv[1:]:
        problems = check(path)
        if problems:
            bad = 1
            sys.stdout.write(problems)
    return bad


if __name__ == "__main__":
    sys.exit(main())
