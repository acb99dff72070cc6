"""How close two texts are in meaning: static word embeddings (wordllama's bundled 256-dim
model), averaged per text and compared by cosine. Loaded from the files inside the installed
package, never from the network; about a millisecond per pair."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MODEL = "l2_supercat"
DIMENSIONS = 256


@cache
def _model():
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    folder = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(folder / "tokenizers" / f"{MODEL}_tokenizer_config.json"))
    weights = folder / "weights" / f"{MODEL}_{DIMENSIONS}.safetensors"
    with safe_open(str(weights), framework="np", device="cpu") as file:
        embedding = file.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer)


class Meaning:
    """A text's meaning, embedded once, to compare answers with."""

    def __init__(self, text: str) -> None:
        self._vector = _model().embed([text], norm=True)[0]

    def closeness(self, answer: str) -> float:
        """Cosine similarity of the answer's mean embedding with this text's, 0..1."""
        vector = _model().embed([answer], norm=True)[0]
        return min(1.0, max(0.0, float(self._vector @ vector)))
