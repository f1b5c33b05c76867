"""The Japanese font of the outputs that cannot count on the system's fonts: charts and PDFs.

IPAexGothic as the matplotlib-fontja package ships it (IPA Font License, which allows embedding
and subsetting), found from the package's folder without importing it: its import changes
matplotlib's global settings.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

#: The family name inside the font file.
JAPANESE_FAMILY = "IPAexGothic"


def japanese_font() -> Path:
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja is not installed: pip install matplotlib-fontja")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
