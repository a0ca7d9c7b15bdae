"""Where the palette's "Screenshot" saves: the Downloads folder if it exists, else our own.

Textual saves to ``~/Downloads`` and fails when there is none (a server reached over SSH often
has no such folder). Callboard then uses ``<user data dir>/screenshots``, created on demand.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from tui.core.config import APP_NAME


def screenshot_dir() -> Path:
    downloads = Path(platformdirs.user_downloads_dir())
    if downloads.is_dir():
        return downloads
    own = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "screenshots"
    own.mkdir(parents=True, exist_ok=True, mode=0o700)
    return own
