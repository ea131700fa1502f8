"""issueplan: CI results in, a prioritised action plan out, kept alive as GitHub issues."""

__version__ = "0.1.0"
