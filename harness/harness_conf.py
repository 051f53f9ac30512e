# SPDX-License-Identifier: GPL-2.0
"""harness/guest/harness.conf, for the host side's Python: the markers the
guest writes and the partition the tests use."""

import os
import re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "guest", "harness.conf")


def read(path=PATH):
    """NAME="value" lines of the file, as a dict."""
    with open(path) as f:
        return dict(re.findall(r'^(\w+)="([^"]*)"', f.read(), re.M))


CONF = read()
