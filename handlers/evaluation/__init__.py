"""A mentor's evaluations (初期, 中期, 年度): a declared form, saved at every answer, reviewed, submitted, edited."""
from handlers.evaluation import answers, choose, review  # noqa: F401  (their decorators register the routes)
from handlers.evaluation.form import evaluate

__all__ = ["evaluate"]
