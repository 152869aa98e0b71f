"""The model file: a SpamModel as compressed numpy arrays, and back.

Only what was learned is kept, the shipped model is committed, and an older file must stay
readable (``FORMAT_VERSION``). The weights and the student's steps are stored along the IDF's
nonzero indices: a megabyte less than an index array each.
"""

from __future__ import annotations

import io

import numpy as np

from kiebitz.spam.features import N_FEATURES
from kiebitz.spam.keywords import SpamKeywords, SpamNumbers
from kiebitz.spam.meaning import Blend, MeaningHead
from kiebitz.spam.model import SpamModel
from kiebitz.spam.patterns import LinkLists
from kiebitz.spam.student import Student

FORMAT_VERSION = 2


def to_bytes(model: SpamModel) -> bytes:
    """The model as the file ``from_bytes`` reads: only its learned numbers and lists, compressed."""
    idf_nonzero = np.flatnonzero(model.idf_)
    nonzero = np.flatnonzero(model.weights_)
    # A weight is learned only where a feature has an IDF, so the weights are stored along the IDF's indices
    # (one index array, not two: a megabyte less); only a model whose weights stray outside keeps its own.
    weights: dict[str, np.ndarray] = {"weight_value": model.weights_[idf_nonzero]}
    if not np.isin(nonzero, idf_nonzero, assume_unique=True).all():
        weights = {"weight_index": nonzero.astype(np.int32), "weight_value": model.weights_[nonzero]}
    meaning: dict[str, np.ndarray] = {}
    if model.meaning_ is not None and model.blend_ is not None:
        head = model.meaning_
        meaning = {"meaning_weights": head.weights, "meaning_intercept": np.array([head.intercept]),
                   "centroids": head.centroids, "topic_words": np.array(head.topic_words, dtype=np.str_),
                   "blend": np.array([model.blend_.ngram, model.blend_.meaning, model.blend_.bias])}
    if model.student_ is not None:
        steps, scale = model.student_.steps()
        meaning |= {"student_steps": steps[idf_nonzero], "student_scale": np.array([scale]),
                    "student_intercept": np.array([model.student_.intercept])}
    if model.link_lists_ is not None:  # one string each: an array of strings is as wide as its longest pattern
        meaning |= {"listed_domains": np.array("\n".join(model.link_lists_.domains)),
                    "listed_websites": np.array("\n".join(model.link_lists_.websites))}
    if model.spam_keywords_ is not None and model.spam_numbers_ is not None:
        meaning |= {"listed_keywords": np.array("\n".join(model.spam_keywords_.patterns)),
                    "listed_numbers": np.array(model.spam_numbers_.numbers)}
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        version=np.array([FORMAT_VERSION]),
        settings=np.array([model.C, model.aggressiveness, model.min_df], dtype=np.float64),
        idf_index=idf_nonzero.astype(np.int32), idf_value=model.idf_[idf_nonzero],
        intercept=np.array([model.intercept_]), calibration=np.array(model.calibration_),
        **weights, **meaning,  # type: ignore[arg-type]  # numpy's stub reads these as its allow_pickle flag
    )
    return buffer.getvalue()


def from_bytes(data: bytes) -> SpamModel:
    with np.load(io.BytesIO(data)) as saved:
        if int(saved["version"][0]) not in (1, FORMAT_VERSION):
            raise ValueError("spam model format not understood; rebuild it with `kiebitz spam train`")
        C, aggressiveness, min_df = saved["settings"].tolist()
        model = SpamModel(C=C, aggressiveness=aggressiveness, min_df=int(min_df))
        model.weights_ = np.zeros(N_FEATURES, dtype=np.float32)
        weight_index = saved["weight_index"] if "weight_index" in saved.files else saved["idf_index"]
        model.weights_[weight_index] = saved["weight_value"]
        model.idf_ = np.zeros(N_FEATURES, dtype=np.float32)
        model.idf_[saved["idf_index"]] = saved["idf_value"]
        model.intercept_ = float(saved["intercept"][0])
        a, b = saved["calibration"].tolist()
        model.calibration_ = (a, b)
        if "blend" in saved.files:
            model.meaning_ = MeaningHead(saved["meaning_weights"], float(saved["meaning_intercept"][0]),
                                         saved["centroids"], [str(words) for words in saved["topic_words"]])
            model.blend_ = Blend(*saved["blend"].tolist())
        if "student_steps" in saved.files:
            steps = np.zeros(N_FEATURES, dtype=np.int8)
            steps[saved["idf_index"]] = saved["student_steps"]
            model.student_ = Student.from_steps(steps, float(saved["student_scale"][0]),
                                                float(saved["student_intercept"][0]))
        if "listed_domains" in saved.files:
            model.link_lists_ = LinkLists(*(str(saved[name]).split("\n") if str(saved[name]) else []
                                            for name in ("listed_domains", "listed_websites")))
        if "listed_keywords" in saved.files:
            model.spam_keywords_ = SpamKeywords(str(saved["listed_keywords"]).split("\n"))
            model.spam_numbers_ = SpamNumbers([str(number) for number in saved["listed_numbers"]])
    return model
