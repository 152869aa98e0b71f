"""The ASGI app for ``uvicorn kiebitz.asgi:app`` (each server process imports it); settings from the environment."""

import gc
import os
import sys

from kiebitz.app import create_app
from kiebitz.config import Settings
from kiebitz.store.engine import database_url

# A post reaches PostgreSQL about a dozen times from its threads, and each round trip gives up the GIL.
# While readers keep the event loop busy, the thread then waits up to the switch interval (5 ms by default)
# to get it back. At 1 ms the posts' p99 under 25 posts/s fell from 172-209 to 133-150 ms at a million
# comments, readers' rate unchanged (docs/benchmarks.md, "The same on PostgreSQL"). SQLite's calls are
# quicker; there the same change showed no clear effect in three tries (docs/experiments.md).
POSTGRES_SWITCH_SECONDS = 0.001

settings = Settings.load(os.environ.get("KIEBITZ_CONFIG"))
if database_url(settings.database).startswith("postgresql"):
    sys.setswitchinterval(POSTGRES_SWITCH_SECONDS)
app = create_app(settings)

# What the process loaded to serve (the modules, the model, the encoder's tokenizer) lives as long as it does,
# yet each full collection walked all of it: 68 ms holding the GIL, about once a minute in a worker under
# 25 posts/s, and every reader of that worker waited. Frozen, it is left out of the collections.
gc.collect()
gc.freeze()
