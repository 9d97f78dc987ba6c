"""Print pip constraints that pin every runtime dependency of pyproject.toml to its lower bound.

`.ci/run` installs the package with them and runs the tests again, so that each range we accept
is tested at both ends: the newest (what a new user gets) and the lowest.
"""

import re
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?>=([^,;\s]+)", requirement)
    if match is None:
        raise SystemExit(f"pyproject.toml: no lower bound to test in {requirement!r}")
    print(f"{match.group(1)}=={match.group(2)}")
