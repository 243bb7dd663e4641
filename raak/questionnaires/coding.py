"""Coding open answers into themes: per-theme counts, agreement between two analysts
(percent agreement and Cohen's kappa), and explainable suggestions by text similarity.

Cohen's kappa and the similarity (TF-IDF, cosine) are written out here: each is a few
lines, and pulling in scikit-learn for them would add a large dependency."""

import math
import re
from collections import Counter, defaultdict

from raak.lib.cleaning import normalise


def agreement(units, coded_a, coded_b):
    """For one theme: `units` are the answer ids both analysts looked at; `coded_a` and
    `coded_b` the ids each put in the theme. Returns (percent agreement, kappa or None)."""
    n = len(units)
    if not n:
        return None, None
    a, b = set(coded_a) & set(units), set(coded_b) & set(units)
    both_yes = len(a & b)
    both_no = n - len(a | b)
    po = (both_yes + both_no) / n
    pa, pb = len(a) / n, len(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    kappa = None if pe == 1 else (po - pe) / (1 - pe)
    return po, kappa


def words(text):
    return [w for w in re.findall(r"\w+", normalise(text)) if len(w) > 3]


def suggest(uncoded, coded, limit=3):
    """For each uncoded answer (id -> text), the nearest coded answers (id -> (text,
    themes)) by TF-IDF cosine, and the themes they carry. Nothing is applied here:
    a person accepts or ignores each suggestion."""
    docs = {**{k: t for k, t in uncoded.items()}, **{k: t for k, (t, _th) in coded.items()}}
    df = Counter(w for text in docs.values() for w in set(words(text)))
    n = len(docs) or 1

    def vector(text):
        tf = Counter(words(text))
        return {w: c * math.log((1 + n) / (1 + df[w])) for w, c in tf.items()}

    vectors = {k: vector(t) for k, t in docs.items()}

    def cosine(x, y):
        dot = sum(v * y.get(w, 0.0) for w, v in x.items())
        norm = math.sqrt(sum(v * v for v in x.values())) * math.sqrt(sum(v * v for v in y.values()))
        return dot / norm if norm else 0.0

    out = {}
    for uid in uncoded:
        nearest = sorted(
            ((cosine(vectors[uid], vectors[cid]), cid) for cid in coded), reverse=True
        )[:limit]
        nearest = [(score, cid) for score, cid in nearest if score > 0.05]
        themes = defaultdict(float)
        for score, cid in nearest:
            for theme in coded[cid][1]:
                themes[theme] += score
        out[uid] = {"nearest": nearest, "themes": sorted(themes.items(), key=lambda x: -x[1])}
    return out
