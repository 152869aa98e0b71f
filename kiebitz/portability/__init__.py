"""Comments from other systems: WordPress (WXR), Disqus (XML), Isso (SQLite), Remark42 (backup).

Each reader turns its format into the neutral records of ``records.py``;
``loader.py`` writes those into a Kiebitz database. Kiebitz's own lossless
export and import live in ``store/dump.py``.
"""

FOREIGN_FORMATS = ("wordpress", "disqus", "isso", "remark42")  # what `kiebitz import --from` names besides "kiebitz"
