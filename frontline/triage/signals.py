"""Language and sentiment of a customer's message, read once per process.

Language: py3langid (its model ships in the wheel), restricted to the languages a support
desk here meets, which stops short texts being read as Serbian or Luxembourgish; below
``MIN_CONFIDENCE`` the language is left unknown. Sentiment: VADER's compound score,
whose lexicon is English, so it is kept only for English messages (other languages get no
score rather than a wrong one).
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from frontline.triage.models import SentimentLabel

LANGUAGES = (
    "en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "no", "fi", "pl", "cs", "ru",
    "uk", "tr", "ar", "zh", "ja", "ko",
)  # fmt: skip
MIN_CONFIDENCE = 0.6
# VADER's own thresholds for its compound score.
NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
# Enough text to judge; the rest of a long message changes neither reading.
TEXT_LIMIT = 4000

LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pt": "Portuguese", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "fi": "Finnish", "pl": "Polish", "cs": "Czech", "ru": "Russian", "uk": "Ukrainian",
    "tr": "Turkish", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
}  # fmt: skip


@dataclass(frozen=True)
class Reading:
    language: str
    language_confidence: float
    sentiment: float | None
    sentiment_label: str


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


@cache
def _analyser() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def read(text: str) -> Reading:
    """The language and sentiment of ``text``; an empty text has neither."""
    text = " ".join(text[:TEXT_LIMIT].split())
    if not text:
        return Reading("", 0.0, None, "")
    code, probability = _identifier().classify(text)
    confidence = round(float(probability), 3)
    language = str(code) if confidence >= MIN_CONFIDENCE else ""
    if language != "en":
        return Reading(language, confidence, None, "")
    score = round(float(_analyser().polarity_scores(text)["compound"]), 3)
    return Reading(language, confidence, score, label_for(score))


def label_for(score: float) -> str:
    if score <= NEGATIVE_BELOW:
        return SentimentLabel.NEGATIVE
    if score >= POSITIVE_ABOVE:
        return SentimentLabel.POSITIVE
    return SentimentLabel.NEUTRAL


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code.upper() if code else "Unknown language")
