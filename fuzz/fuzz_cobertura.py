"""Coverage-guided fuzzing of the cobertura reader (see fuzz/README.md)."""

from reader_target import fuzz_reader

if __name__ == "__main__":
    fuzz_reader("cobertura")
