# Placeholder: filled in by the Action work (issue 5).
FROM python:3.11-slim
