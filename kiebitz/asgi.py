"""The ASGI app for ``uvicorn kiebitz.asgi:app``; settings from the environment."""

import os

from kiebitz.app import create_app
from kiebitz.config import Settings

app = create_app(Settings.load(os.environ.get("KIEBITZ_CONFIG")))
